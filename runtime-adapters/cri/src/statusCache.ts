// Statuses of sandboxes and containers, reused while the runtime's list shows them in the same
// state. A CRI list leaves out what the agent needs (exit codes, start times, the pod IP), but
// those only change with the state, so the agent's relist asks for the status of what changed
// instead of for every sandbox and container each time.

export class StatusCache<T extends { readonly state: string }> {
  private readonly byId = new Map<string, T>();

  get(id: string, state: string): T | undefined {
    const hit = this.byId.get(id);
    return hit && hit.state === state ? hit : undefined;
  }

  put(id: string, status: T | undefined): T | undefined {
    if (status) this.byId.set(id, status);
    else this.byId.delete(id);
    return status;
  }

  drop(id: string): void {
    this.byId.delete(id);
  }

  /** Forgets what a complete list no longer shows. */
  retainOnly(ids: ReadonlySet<string>): void {
    for (const id of this.byId.keys()) if (!ids.has(id)) this.byId.delete(id);
  }
}
