import type { ImageInfo, RuntimeAdapter } from '../../kernel/contracts/runtime.js';

// Images the runtime said it holds, remembered for a few seconds: a burst of pods on the same
// image asks the runtime once instead of once per container. Only presence is remembered; an
// image reported missing is asked about again on the next start.

const FRESH_MS = 5_000;

export class ImagePresence {
  private readonly present = new Map<string, { info: ImageInfo; at: number }>();
  private readonly asking = new Map<string, Promise<ImageInfo | undefined>>();

  constructor(private readonly runtime: RuntimeAdapter) {}

  async status(image: string): Promise<ImageInfo | undefined> {
    const known = this.present.get(image);
    if (known && Date.now() - known.at < FRESH_MS) return known.info;
    let answer = this.asking.get(image);
    if (!answer) {
      answer = this.runtime.imageStatus(image).finally(() => this.asking.delete(image));
      this.asking.set(image, answer);
    }
    const info = await answer;
    if (info) this.present.set(image, { info, at: Date.now() });
    else this.present.delete(image);
    return info;
  }

  /** After a pull, or a start that found the image gone. */
  forget(image: string): void {
    this.present.delete(image);
  }
}
