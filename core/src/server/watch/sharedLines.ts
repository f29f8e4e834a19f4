// Many watches send the same change: the scheduler's, the controllers', every client's watch of
// pods. Each encoded line (or protobuf frame) is kept for a short while, keyed by what makes it
// unique (the key, the revision, the event type and the way it is sent), so encoding runs once
// per change and encoding instead of once per watch.

/** Encoded lines and frames of recent changes, shared by the open watches of one server. */
export class SharedLines {
  private readonly lines = new Map<string, string | Uint8Array>();

  /** `capacity` entries at most: enough for every watch to pick up a burst of commits. */
  constructor(private readonly capacity = 1024) {}

  get size(): number {
    return this.lines.size;
  }

  /** The JSON line for `id`, made by `encode` the first time it is asked for. */
  line(id: string, encode: () => string): string {
    const known = this.lines.get(id);
    if (typeof known === 'string') return known;
    return this.keep(id, encode());
  }

  /** The protobuf frame for `id`, made by `encode` the first time it is asked for. */
  frame(id: string, encode: () => Uint8Array): Uint8Array {
    const known = this.lines.get(id);
    if (known instanceof Uint8Array) return known;
    return this.keep(id, encode());
  }

  clear(): void {
    this.lines.clear();
  }

  private keep<T extends string | Uint8Array>(id: string, encoded: T): T {
    if (this.lines.size >= this.capacity && !this.lines.has(id)) {
      // Insertion order: the oldest change goes first.
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
    this.lines.set(id, encoded);
    return encoded;
  }
}
