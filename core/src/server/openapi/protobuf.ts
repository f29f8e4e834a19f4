// A minimal protocol buffers writer: enough to encode one message tree, as proto3 does (scalar
// fields at their default value are left out).

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;

const encoder = new TextEncoder();

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
    const bytes: number[] = [];
    let v = value;
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.push(Uint8Array.from(bytes));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    const bytes = encoder.encode(value);
    this.tag(field, WIRE_BYTES);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  strings(field: number, values: readonly string[] | undefined): this {
    // Repeated strings are written even when empty: each element is present.
    for (const value of values ?? []) {
      const bytes = encoder.encode(value);
      this.tag(field, WIRE_BYTES);
      this.varint(bytes.length);
      this.push(bytes);
    }
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.varint(1);
    return this;
  }

  int64(field: number, value: number | undefined): this {
    if (!value) return this;
    this.tag(field, WIRE_VARINT);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (!value) return this;
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.tag(field, WIRE_FIXED64);
    this.push(bytes);
    return this;
  }

  /** An embedded message; written even when empty, since its presence can matter. */
  message(field: number, message: ProtoWriter | undefined): this {
    if (!message) return this;
    this.tag(field, WIRE_BYTES);
    this.varint(message.length);
    for (const part of message.parts) this.push(part);
    return this;
  }

  messages(field: number, messages: readonly ProtoWriter[]): this {
    for (const message of messages) this.message(field, message);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
