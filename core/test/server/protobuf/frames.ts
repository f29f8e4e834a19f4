// A reader for protobuf watch streams written for the tests from the wire format alone (not the
// server's own reader): frames of a 4-byte big-endian length and a meta.v1.WatchEvent
// {1: type, 2: RawExtension {1: raw}}, the raw bytes a "k8s\0" + runtime.Unknown
// {1: TypeMeta {1: apiVersion, 2: kind}, 2: raw} body.
import { ResponseStream } from '../helpers.js';

type Value = number | Buffer;

/** A message's fields in order: [field number, value] (varints as numbers, length-delimited as bytes). */
export function fieldsOf(buf: Buffer): [number, Value][] {
  const out: [number, Value][] = [];
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error(`varint runs past the end at byte ${pos}`);
      const byte = buf[pos++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return value;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const wire = key & 7;
    const field = Math.floor(key / 8);
    if (wire === 0) out.push([field, varint()]);
    else if (wire === 2) {
      const length = varint();
      if (pos + length > buf.length) throw new Error(`field ${field} runs past the end`);
      out.push([field, buf.subarray(pos, pos + length)]);
      pos += length;
    } else throw new Error(`unexpected wire type ${wire} for field ${field}`);
  }
  return out;
}

function one(fields: [number, Value][], field: number): Buffer | undefined {
  const found = fields.filter(([n]) => n === field);
  if (found.length > 1) throw new Error(`field ${field} appears ${found.length} times`);
  const value = found[0]?.[1];
  if (typeof value === 'number') throw new Error(`field ${field} is a varint`);
  return value;
}

export interface RawEvent {
  type: string;
  /** The embedded object's whole body, as a protobuf GET would answer it. */
  raw: Buffer;
  apiVersion: string;
  kind: string;
  /** The object's own message (inside runtime.Unknown). */
  message: Buffer;
}

/** One WatchEvent message (a frame without its length). */
export function decodeWatchEvent(event: Buffer): RawEvent {
  const fields = fieldsOf(event);
  const type = one(fields, 1)?.toString('utf8') ?? '';
  const raw = one(fieldsOf(one(fields, 2) ?? Buffer.alloc(0)), 1) ?? Buffer.alloc(0);
  if (raw.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error(`the ${type} event's object does not start with k8s\\0`);
  const unknown = fieldsOf(raw.subarray(4));
  const typeMeta = fieldsOf(one(unknown, 1) ?? Buffer.alloc(0));
  return {
    type,
    raw,
    apiVersion: one(typeMeta, 1)?.toString('utf8') ?? '',
    kind: one(typeMeta, 2)?.toString('utf8') ?? '',
    message: one(unknown, 2) ?? Buffer.alloc(0),
  };
}

/** Splits a stream's bytes into whole frames; returns them and the bytes of an unfinished one. */
export function splitFrames(buf: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let pos = 0;
  while (buf.length - pos >= 4) {
    const length = buf.readUInt32BE(pos);
    if (buf.length - pos - 4 < length) break;
    frames.push(buf.subarray(pos + 4, pos + 4 + length));
    pos += 4 + length;
  }
  return { frames, rest: buf.subarray(pos) };
}

/** A protobuf watch response, read frame by frame. */
export class FrameStream extends ResponseStream {
  readonly events: RawEvent[] = [];
  /** Every frame as it came, to compare the bytes two watches got. */
  readonly frames: Buffer[] = [];
  private pending: Buffer = Buffer.alloc(0);

  constructor(url: string, accept: string) {
    super(url, { accept });
  }

  protected take(chunk: Buffer): void {
    const { frames, rest } = splitFrames(Buffer.concat([this.pending, chunk]));
    this.pending = Buffer.from(rest);
    for (const frame of frames) {
      this.frames.push(Buffer.from(frame));
      this.events.push(decodeWatchEvent(Buffer.from(frame)));
    }
  }

  /** The first `n` events, waiting up to 20 s for them. */
  async waitFor(n: number): Promise<RawEvent[]> {
    await this.until(() => this.events.length >= n);
    if (this.events.length < n) throw new Error(`${this.events.length} of ${n} events arrived (ended: ${this.ended})`);
    return this.events.slice(0, n);
  }

  /** The first `n` events `pick` takes, waiting up to 20 s for them. */
  async waitForSome(n: number, pick: (event: RawEvent) => boolean): Promise<RawEvent[]> {
    await this.until(() => this.events.filter(pick).length >= n);
    const picked = this.events.filter(pick);
    if (picked.length < n) throw new Error(`${picked.length} of ${n} events arrived (ended: ${this.ended})`);
    return picked.slice(0, n);
  }

  private async until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!done() && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Bytes left over that do not make a whole frame. */
  get leftover(): number {
    return this.pending.length;
  }

}
