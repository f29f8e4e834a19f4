// The protobuf wire format, read and written by hand: Corral needs only varints, length-delimited
// bytes and the two fixed widths, and a small reader keeps the server free of a codegen dependency.

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

const WIRE_NAMES: Record<number, string> = { 0: 'varint', 1: 'fixed64', 2: 'length-delimited', 5: 'fixed32' };

export function wireName(wire: number): string {
  return WIRE_NAMES[wire] ?? `wire type ${wire}`;
}

/** A malformed message: what was wrong and at which byte of the message it was found. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

const TWO_32 = 2 ** 32;

/** Reads one message's fields in order; nested messages are read by a Reader over their bytes. */
export class Reader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    private readonly start = 0,
    private readonly end = buf.length,
    /** Where `buf` begins inside the whole body, so offsets in errors point into the body. */
    private readonly base = 0,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The offset of the next byte within the whole body. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** A field's key: its number and wire type. */
  key(): { field: number; wire: number } {
    const at = this.offset;
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field < 1) throw new WireError('a field number of 0', at);
    return { field, wire: key % 8 };
  }

  /**
   * A varint as a number. int64 values beyond 2^53 lose precision, which no Kubernetes field that
   * Corral reads can reach; negative int32/int64 values (ten bytes, two's complement) come back negative.
   */
  varint(): number {
    const at = this.offset;
    let low = 0;
    let high = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('a varint runs past the end of its message', at);
      const byte = this.buf[this.pos++]!;
      if (shift < 28) low |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        low |= (byte & 0x0f) << 28;
        high |= (byte & 0x7f) >> 4;
      } else high |= (byte & 0x7f) << (shift - 32);
      shift += 7;
      if ((byte & 0x80) === 0) return toNumber(low >>> 0, high >>> 0);
    }
    throw new WireError('a varint longer than 10 bytes', at);
  }

  fixed32(): number {
    const at = this.offset;
    if (this.pos + 4 > this.end) throw new WireError('a fixed32 runs past the end of its message', at);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4);
    this.pos += 4;
    return view.getUint32(0, true);
  }

  fixed64(): number {
    const at = this.offset;
    if (this.pos + 8 > this.end) throw new WireError('a fixed64 runs past the end of its message', at);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return toNumber(view.getUint32(0, true), view.getUint32(4, true));
  }

  /** A length-delimited field as a Reader over its bytes. */
  nested(): Reader {
    const at = this.offset;
    const length = this.varint();
    if (length > this.end - this.pos) throw new WireError(`a field of ${length} bytes runs past the end of its message`, at);
    const reader = new Reader(this.buf, this.pos, this.pos + length, this.base);
    this.pos += length;
    return reader;
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const inner = this.nested();
    return inner.buf.subarray(inner.start, inner.end);
  }

  string(): string {
    const at = this.offset;
    const bytes = this.bytes();
    try {
      return UTF8.decode(bytes);
    } catch {
      throw new WireError('a string field that is not valid UTF-8', at);
    }
  }

  /** Skips a field's value; returns whether it was the zero value (0, or no bytes). */
  skip(wire: number): boolean {
    const at = this.offset;
    switch (wire) {
      case WireType.Varint:
        return this.varint() === 0;
      case WireType.Fixed64:
        return this.fixed64() === 0;
      case WireType.Fixed32:
        return this.fixed32() === 0;
      case WireType.LengthDelimited:
        return this.bytes().length === 0;
      default:
        throw new WireError(`unsupported ${wireName(wire)}`, at);
    }
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function toNumber(low: number, high: number): number {
  // The top bit set means a negative two's-complement value.
  if (high & 0x80000000) return -((~high >>> 0) * TWO_32 + (~low >>> 0) + 1);
  return high * TWO_32 + low;
}

/**
 * Builds one message in one growing buffer; nested messages are built by their own Writer and
 * copied in with `message`. ASCII strings (nearly every Kubernetes string) are written byte by
 * byte: a TextEncoder call costs more than the copy for strings this short.
 */
export class Writer {
  // allocUnsafe takes small buffers from Node's shared pool: no zeroing, no allocation of its own.
  private buf: Uint8Array = Buffer.allocUnsafe(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  private raw(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  private varintValue(value: number): void {
    this.reserve(10);
    const buf = this.buf;
    let v = value;
    if (v < 0) {
      // Negative values take ten bytes: the 64-bit two's complement, as Go writes int32 and int64.
      let low = v % TWO_32 >>> 0;
      let high = Math.floor(v / TWO_32) >>> 0;
      for (let i = 0; i < 9; i++) {
        buf[this.len++] = (low & 0x7f) | 0x80;
        low = (low >>> 7) | ((high & 0x7f) << 25);
        high >>>= 7;
      }
      buf[this.len++] = 1;
      return;
    }
    while (v >= 0x80) {
      buf[this.len++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.len++] = v;
  }

  private key(field: number, wire: WireType): void {
    this.varintValue(field * 8 + wire);
  }

  varint(field: number, value: number): this {
    this.key(field, WireType.Varint);
    this.varintValue(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, WireType.LengthDelimited);
    this.varintValue(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    const n = value.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (value.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) return this.bytes(field, UTF8_ENCODER.encode(value));
    this.key(field, WireType.LengthDelimited);
    this.varintValue(n);
    this.reserve(n);
    const buf = this.buf;
    for (let i = 0; i < n; i++) buf[this.len++] = value.charCodeAt(i);
    return this;
  }

  message(field: number, inner: Writer): this {
    return this.bytes(field, inner.finish());
  }

  /** The message's bytes (a view of the writer's buffer: write nothing more after). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const UTF8_ENCODER = new TextEncoder();
