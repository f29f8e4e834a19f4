import type { ContainerInspectInfo } from 'dockerode';

// Inspect results of the containers Corral owns, reused while the daemon's list shows them in
// the same state. What the agent reads from an inspect (start and end times, exit code, the
// pause process's pid and IP) only changes with the state, and the agent never restarts a
// container in place, so a list call plus the inspects of the containers that changed replaces
// an inspect of every container on every relist.

export class InspectCache {
  private readonly byId = new Map<string, ContainerInspectInfo>();

  /** The cached inspect of `id` if it was taken in `state` (the list's `State`). */
  get(id: string, state: string): ContainerInspectInfo | undefined {
    const info = this.byId.get(id);
    return info && info.State.Status === state ? info : undefined;
  }

  put(info: ContainerInspectInfo): void {
    this.byId.set(info.Id, info);
  }

  drop(id: string): void {
    this.byId.delete(id);
  }

  /** Forgets containers a complete list no longer shows. */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!ids.has(id)) this.byId.delete(id);
  }
}
