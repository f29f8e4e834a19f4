// The WebSocket wire format (RFC 6455) both ends of Corral's exec streams speak: the client in
// core/src/client and the agent's server. Frames are written whole; reading reassembles
// fragmented messages and hands control frames to the caller.
import { createHash, randomBytes } from 'node:crypto';

/** RFC 6455's fixed GUID: standard clients (kubectl, browsers) refuse any other. */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value that answers a handshake's Sec-WebSocket-Key. */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}
export const OP = { CONTINUATION: 0x0, TEXT: 0x1, BINARY: 0x2, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;

/** One frame; clients mask what they send (`mask`), servers do not. */
export function encodeFrame(data: Buffer, opcode: number, mask: boolean): Buffer {
  const length = data.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  const maskBit = mask ? 0x80 : 0;
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = maskBit | length;
  else if (length < 65536) {
    header[1] = maskBit | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  const payload = Buffer.alloc(length);
  for (let i = 0; i < length; i++) payload[i] = data[i]! ^ key[i & 3]!;
  return Buffer.concat([header, key, payload]);
}

export type FrameEvent = { kind: 'message'; data: Buffer } | { kind: 'control'; opcode: number; payload: Buffer };

/** Reads frames from a byte stream: whole messages, and control frames (close, ping, pong) as they come. */
export class FrameReader {
  private buffered: Buffer;
  private fragments: Buffer[] = [];

  constructor(head: Buffer = Buffer.alloc(0)) {
    this.buffered = head;
  }

  /** Adds `chunk` (none: only what is buffered) and returns every event complete so far. */
  push(chunk?: Buffer): FrameEvent[] {
    if (chunk) this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const events: FrameEvent[] = [];
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) return events;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return events;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return events;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const key = masked ? b.subarray(offset, offset + 4) : undefined;
      if (masked) offset += 4;
      if (b.length < offset + length) return events;
      const payload = Buffer.from(b.subarray(offset, offset + length));
      this.buffered = b.subarray(offset + length);
      if (key) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i & 3]!;
      if (opcode >= OP.CLOSE) {
        events.push({ kind: 'control', opcode, payload });
        continue;
      }
      this.fragments.push(payload);
      if (fin) {
        events.push({ kind: 'message', data: this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments) });
        this.fragments = [];
      }
    }
  }
}
