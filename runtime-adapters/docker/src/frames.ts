// Docker multiplexes stdout and stderr of a container without a TTY on one stream: each frame
// is an 8-byte header (stream type, 3 zero bytes, big-endian payload length), then the payload.

export type FrameStream = 'stdout' | 'stderr';

export interface Frame {
  readonly stream: FrameStream;
  readonly payload: Buffer;
}

const HEADER = 8;

/** Cuts a byte stream into frames; chunks may split headers and payloads anywhere. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    while (this.pending.length >= HEADER) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < HEADER + size) break;
      const type = this.pending[0];
      frames.push({ stream: type === 2 ? 'stderr' : 'stdout', payload: this.pending.subarray(HEADER, HEADER + size) });
      this.pending = this.pending.subarray(HEADER + size);
    }
    return frames;
  }

  /** Bytes left over at the end: a truncated frame. */
  get leftover(): number {
    return this.pending.length;
  }
}
