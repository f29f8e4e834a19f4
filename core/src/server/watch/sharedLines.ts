// Many watches send the same change: the scheduler's, the controllers', every client's watch of
// pods. Each encoded line is kept for a short while, keyed by what makes it unique (the key, the
// revision, the event type and the way it is sent), so JSON.stringify runs once per change and
// encoding instead of once per watch.

/** Encoded lines of recent changes, shared by the open watches of one server. */
export class SharedLines {
  private readonly lines = new Map<string, string>();

  /** `capacity` lines at most: enough for every watch to pick up a burst of commits. */
  constructor(private readonly capacity = 1024) {}

  get size(): number {
    return this.lines.size;
  }

  /** The line for `id`, made by `encode` the first time it is asked for. */
  line(id: string, encode: () => string): string {
    const known = this.lines.get(id);
    if (known !== undefined) return known;
    const line = encode();
    if (this.lines.size >= this.capacity) {
      // Insertion order: the oldest change goes first.
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
    this.lines.set(id, line);
    return line;
  }

  clear(): void {
    this.lines.clear();
  }
}
