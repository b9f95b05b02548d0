// Events a front end (the visualizer, a report) can follow: faults, evictions, write-backs, maps,
// unmaps, context switches, kills. They cost nothing when nobody listens: emitters check
// `listening` before building the event object.

export interface FaultEvent {
  type: "fault";
  pid: number;
  va: number;
  vpn: number;
  access: "read" | "write" | "exec";
  cause: "zero-fill" | "image" | "swap" | "object" | "minor" | "protection" | "segmentation";
  frame: number;
  timeNs: number;
}
export interface EvictEvent {
  type: "evict";
  frame: number;
  pid: number;
  vpn: number;
  dirty: boolean;
  timeNs: number;
}
export interface WritebackEvent {
  type: "writeback";
  frame: number;
  slot: number;
  timeNs: number;
}
export interface MapEvent {
  type: "map" | "unmap";
  pid: number;
  vpn: number;
  frame: number;
}
export interface SwitchEvent {
  type: "switch";
  from: number;
  to: number;
  timeNs: number;
}
export interface ProcessEvent {
  type: "spawn" | "exit" | "kill";
  pid: number;
  reason: string;
}
/** kswapd woke (free frames fell below its low watermark) or went back to sleep (free reached high). */
export interface KswapdEvent {
  type: "kswapd-wake" | "kswapd-sleep";
  /** Free frames at that moment. */
  free: number;
  timeNs: number;
}
/** A faulting process reclaimed `pages` pages itself because free frames fell below the min watermark. */
export interface DirectReclaimEvent {
  type: "direct-reclaim";
  pid: number;
  pages: number;
  timeNs: number;
}
export interface PolicyEvent {
  type: "policy";
  from: string;
  to: string;
}

export type MachineEvent =
  | FaultEvent
  | EvictEvent
  | WritebackEvent
  | MapEvent
  | SwitchEvent
  | ProcessEvent
  | KswapdEvent
  | DirectReclaimEvent
  | PolicyEvent;
export type EventType = MachineEvent["type"];
/** The member(s) of the union E whose type can be T (Extract alone misses members whose type is a union, such as ProcessEvent). */
export type EventOfUnion<E, T> = E extends { type: infer K } ? (T extends K ? E : never) : never;
/** The machine event(s) whose type can be T. */
export type EventOf<T extends EventType> = EventOfUnion<MachineEvent, T>;

/**
 * A small typed event bus over a union of events keyed by `type`. The machine's events use
 * EventBus; the multiprogramming layer (system/events.ts) uses the same class over its own union.
 */
export class TypedEventBus<E extends { type: string }> {
  /** True once anybody listens; emitters check it first. */
  listening = false;
  private readonly handlers = new Map<E["type"], Array<(e: E) => void>>();

  /** Subscribes; returns a function that unsubscribes. */
  on<T extends E["type"]>(type: T, fn: (e: EventOfUnion<E, T>) => void): () => void {
    const list = this.handlers.get(type) ?? [];
    const h = fn as (e: E) => void;
    list.push(h);
    this.handlers.set(type, list);
    this.listening = true;
    return () => {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
      this.listening = [...this.handlers.values()].some((l) => l.length > 0);
    };
  }

  /** Delivers `e` to its subscribers. Call only after checking `listening`. */
  emit(e: E): void {
    const list = this.handlers.get(e.type);
    if (list) for (const h of list) h(e);
  }
}

/** The machine's event bus. */
export class EventBus extends TypedEventBus<MachineEvent> {}
