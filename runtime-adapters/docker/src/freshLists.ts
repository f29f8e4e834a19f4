// List calls shared by everyone who asks the same question while one is being prepared. A pod's
// sync asks for its sandboxes and its containers at once, and a burst of syncs asks again many
// times a second: one list (per label filter) answers the concurrent askers. A caller only ever
// gets a list that the daemon started on after the call was made, so it sees its own changes.

interface Slot<T> {
  running?: Promise<T>;
  next?: Promise<T>;
}

export class FreshLists<T> {
  private readonly slots = new Map<string, Slot<T>>();

  get(key: string, fetch: () => Promise<T>): Promise<T> {
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = {}));
    if (!slot.running) return this.start(key, slot, fetch);
    // The list under way may have been read before the caller's last change: take the next.
    const current = slot;
    const startNext = () => {
      current.next = undefined;
      return this.start(key, current, fetch);
    };
    return (slot.next ??= slot.running.then(startNext, startNext));
  }

  private start(key: string, slot: Slot<T>, fetch: () => Promise<T>): Promise<T> {
    const call = fetch().finally(() => {
      if (slot.running !== call) return;
      slot.running = undefined;
      if (!slot.next) this.slots.delete(key);
    });
    slot.running = call;
    this.slots.set(key, slot);
    return call;
  }
}
