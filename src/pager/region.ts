// Regions: the valid ranges of an address space, each with access bits and a source that says
// where a page's first contents come from (SerenityOS's Region viewing a VMObject). The pager
// checks a faulting address against these before it dispatches by cause.

import type { SharedObject } from "./memory-object.js";

export const PERM_R = 1;
export const PERM_W = 2;
export const PERM_X = 4;

export type RegionKind = "code" | "data" | "bss" | "heap" | "stack" | "anon" | "shared" | "trace";

/**
 * Where a never-loaded page comes from: zero-filled, the executable image (slot = firstSlot +
 * page index), a shared object (page = firstPage + index), or a trace page (valid everywhere,
 * zero-filled, counted as loaded from the image when first touched by an instruction fetch).
 */
export type RegionSource =
  | { readonly type: "zero" }
  | { readonly type: "image"; readonly firstSlot: number }
  | { readonly type: "object"; readonly object: SharedObject; readonly firstPage: number }
  | { readonly type: "trace" };

export interface Region {
  readonly kind: RegionKind;
  /** First VPN and one past the last (stack and heap regions change these as they grow). */
  startVpn: number;
  endVpn: number;
  readonly perm: number;
  readonly source: RegionSource;
}

/** True when `vpn` lies in `r`. */
export function regionHas(r: Region, vpn: number): boolean {
  return vpn >= r.startVpn && vpn < r.endVpn;
}
