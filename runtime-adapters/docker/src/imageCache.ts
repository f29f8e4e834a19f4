import type { ImageInfo } from '@corral/core/kernel';

// Images seen present, for a short while: every container start asks whether its image is
// there, and a pod burst would otherwise inspect the same image dozens of times at once.
// Only presence is cached; a missing image is asked about again each time.

const DEFAULT_TTL_MS = 5_000;

export class ImagePresence {
  private readonly seen = new Map<string, { info: ImageInfo; at: number }>();
  private readonly pending = new Map<string, Promise<ImageInfo | undefined>>();

  constructor(private readonly ttlMs = DEFAULT_TTL_MS) {}

  /** `inspect`'s answer for `image`, shared by concurrent callers and reused while fresh. */
  async status(image: string, inspect: () => Promise<ImageInfo | undefined>): Promise<ImageInfo | undefined> {
    const hit = this.seen.get(image);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.info;
    let asked = this.pending.get(image);
    if (!asked) {
      asked = inspect().finally(() => this.pending.delete(image));
      this.pending.set(image, asked);
    }
    const info = await asked;
    if (info) this.seen.set(image, { info, at: Date.now() });
    else this.seen.delete(image);
    return info;
  }

  forget(image: string): void {
    this.seen.delete(image);
  }
}
