// Owner uids confirmed gone by the API. A uid is never reused, so an entry stays true; the
// size bound only keeps memory flat. Saves one GET per dependent when a big owner goes.
export class AbsentOwners {
  private readonly uids = new Set<string>();

  constructor(private readonly capacity = 1000) {}

  has(uid: string): boolean {
    return this.uids.has(uid);
  }

  add(uid: string): void {
    if (this.uids.has(uid)) return;
    if (this.uids.size >= this.capacity) this.uids.delete(this.uids.values().next().value!);
    this.uids.add(uid);
  }
}
