// The client side of RFC 6455, as much as exec's channel protocol needs: binary messages,
// fragmentation, ping/pong and close. Node 20 has no WebSocket client of its own.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameReader, OP, websocketAccept } from '../net/websocketFrames.js';
import { errorFrom } from './transport.js';


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
      const expected = websocketAccept(key);
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
  private readonly reader: FrameReader;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    /** The subprotocol the server chose. */
    readonly protocol: string,
  ) {
    super();
    this.reader = new FrameReader(head);
    // Nothing is read until start(): the caller's listeners must be in place first.
    socket.pause();
  }

  /** Starts reading messages; call once the `message` and `close` listeners are attached. */
  start(): void {
    this.socket.on('data', (chunk: Buffer) => this.handle(chunk));
    this.socket.once('close', () => this.finish(1006, 'connection closed'));
    this.socket.once('error', (err) => this.emit('error', err));
    this.handle();
    this.socket.resume();
  }

  send(data: Buffer, opcode: number = OP.BINARY): void {
    if (this.closed) return;
    this.socket.write(encodeFrame(data, opcode, true));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.send(body, OP.CLOSE);
    this.socket.end();
    this.finish(code, '');
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', code, reason);
  }

  private handle(chunk?: Buffer): void {
    for (const event of this.reader.push(chunk)) {
      if (event.kind === 'message') this.emit('message', event.data);
      else if (event.opcode === OP.PING) this.send(event.payload, OP.PONG);
      else if (event.opcode === OP.CLOSE) {
        const code = event.payload.length >= 2 ? event.payload.readUInt16BE(0) : 1005;
        this.socket.end();
        this.finish(code, event.payload.subarray(2).toString('utf8'));
      }
    }
  }
}
