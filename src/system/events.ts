// Events of the multiprogramming layer, on a bus of their own (the machine's EventBus carries the
// engine's events; these are the scheduler's): dispatches, blocks and wake-ups, suspensions and
// resumptions by load control, quota changes by PFF, and thrashing detected or ended. Emitters
// check `listening` first, so an unobserved run builds no event objects.

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

export class SystemEventBus {
  listening = false;
  private readonly handlers = new Map<SystemEventType, Array<(e: SystemEvent) => void>>();

  on<T extends SystemEventType>(type: T, fn: (e: Extract<SystemEvent, { type: T }>) => void): () => void {
    const list = this.handlers.get(type) ?? [];
    const h = fn as (e: SystemEvent) => void;
    list.push(h);
    this.handlers.set(type, list);
    this.listening = true;
    return () => {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
      this.listening = [...this.handlers.values()].some((l) => l.length > 0);
    };
  }

  emit(e: SystemEvent): void {
    const list = this.handlers.get(e.type);
    if (list) for (const h of list) h(e);
  }
}
