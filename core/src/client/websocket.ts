// The client side of RFC 6455, as much as exec's channel protocol needs: binary messages,
// fragmentation, ping/pong and close. Node 20 has no WebSocket client of its own.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorFrom } from './transport.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65';

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** Headers that ask for the upgrade, and the key to check the server's answer against. */
export function upgradeHeaders(protocols: readonly string[]): { headers: Record<string, string>; key: string } {
  const key = randomBytes(16).toString('base64');
  return {
    key,
    headers: {
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': key,
      'sec-websocket-protocol': protocols.join(', '),
    },
  };
}

/** Waits for the upgrade; a plain answer (an error Status, say) is thrown as ApiError. */
export function awaitUpgrade(req: ClientRequest, key: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    req.once('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const expected = createHash('sha1').update(key + GUID).digest('base64');
      if (res.headers['sec-websocket-accept'] !== expected) {
        socket.destroy();
        reject(new Error('the server answered the WebSocket upgrade with a wrong Sec-WebSocket-Accept'));
        return;
      }
      resolve(new WebSocket(socket, head, String(res.headers['sec-websocket-protocol'] ?? '')));
    });
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => reject(errorFrom(res, Buffer.concat(chunks).toString('utf8'))));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Events: `message` (Buffer), `close` (code, reason), `error`. */
export class WebSocket extends EventEmitter {
  private buffered: Buffer;
  private fragments: Buffer[] = [];
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    /** The subprotocol the server chose. */
    readonly protocol: string,
  ) {
    super();
    this.buffered = head;
    // Nothing is read until start(): the caller's listeners must be in place first.
    socket.pause();
  }

  /** Starts reading messages; call once the `message` and `close` listeners are attached. */
  start(): void {
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.parse();
    });
    this.socket.once('close', () => this.finish(1006, 'connection closed'));
    this.socket.once('error', (err) => this.emit('error', err));
    this.parse();
    this.socket.resume();
  }

  send(data: Buffer, opcode = OP_BINARY): void {
    if (this.closed) return;
    const mask = randomBytes(4);
    const length = data.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) header[1] = 0x80 | length;
    else if (length < 65536) {
      header[1] = 0x80 | 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 0x80 | 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    const payload = Buffer.alloc(length);
    for (let i = 0; i < length; i++) payload[i] = data[i]! ^ mask[i & 3]!;
    this.socket.write(Buffer.concat([header, mask, payload]));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.send(body, OP_CLOSE);
    this.socket.end();
    this.finish(code, '');
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code, reason);
  }

  private parse(): void {
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) return;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      const maskKey = masked ? b.subarray(offset, offset + 4) : undefined;
      if (masked) offset += 4;
      if (b.length < offset + length) return;
      let payload = b.subarray(offset, offset + length);
      this.buffered = b.subarray(offset + length);
      if (maskKey) payload = Buffer.from(payload.map((x, i) => x ^ maskKey[i & 3]!));
      this.frame(fin, opcode, payload);
    }
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_PING:
        this.send(payload, OP_PONG);
        return;
      case OP_PONG:
        return;
      case OP_CLOSE: {
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        this.socket.end();
        this.finish(code, payload.subarray(2).toString('utf8'));
        return;
      }
      case OP_TEXT:
      case OP_BINARY:
      case OP_CONTINUATION:
        this.fragments.push(payload);
        if (fin) {
          const message = this.fragments.length === 1 ? this.fragments[0]! : Buffer.concat(this.fragments);
          this.fragments = [];
          this.emit('message', message);
        }
    }
  }
}
