// Events of the multiprogramming layer, on a bus of their own (the machine's EventBus carries the
// engine's events; these are the scheduler's): dispatches, blocks and wake-ups, suspensions and
// resumptions by load control, quota changes by PFF, and thrashing detected or ended. Emitters
// check `listening` first, so an unobserved run builds no event objects.

import { TypedEventBus } from "../core/events.js";

export type SystemEvent =
  | { type: "dispatch"; pid: number; timeNs: number }
  | {
      type: "block";
      pid: number;
      kind: "page" | "io" | "prepage";
      untilNs: number;
      timeNs: number;
      page: number;
    }
  | { type: "wake"; pid: number; timeNs: number }
  | { type: "exit"; pid: number; reason: string; timeNs: number }
  | { type: "suspend"; pid: number; pagesOut: number; workingSet: number; timeNs: number }
  | { type: "resume"; pid: number; prepaged: number; workingSet: number; timeNs: number }
  | { type: "quota"; pid: number; from: number; to: number; reason: string; timeNs: number }
  | {
      type: "thrashing" | "thrashing-end";
      timeNs: number;
      cpuUtilization: number;
      faultsPerSecond: number;
      demandFrames: number;
      availableFrames: number;
    };

export type SystemEventType = SystemEvent["type"];

/** The scheduler's event bus (the same typed bus as the machine's, over SystemEvent). */
export class SystemEventBus extends TypedEventBus<SystemEvent> {}
