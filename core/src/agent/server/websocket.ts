import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameReader, OP, websocketAccept } from '../../net/websocketFrames.js';

// The server side of RFC 6455, as much as exec's channel protocol needs: the handshake,
// unmasked binary frames out, masked frames in (fragments, ping/pong, close).


/** The subprotocol to answer with: the first of ours the client offers. */
export function chooseProtocol(req: IncomingMessage, ours: readonly string[]): string | undefined {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return ours.find((p) => offered.includes(p));
}

/** Completes the handshake on `socket`; events: `message` (Buffer), `close`. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: string): ServerWebSocket {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = websocketAccept(key);
  socket.write(
    ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, `Sec-WebSocket-Protocol: ${protocol}`, '', ''].join('\r\n'),
  );
  return new ServerWebSocket(socket, head, protocol);
}

export class ServerWebSocket extends EventEmitter {
  private readonly reader: FrameReader;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    readonly protocol: string,
  ) {
    super();
    this.reader = new FrameReader(head);
    socket.on('data', (chunk: Buffer) => this.handle(chunk));
    socket.once('close', () => this.finish());
    socket.on('error', () => this.finish());
    // Frames that came with the upgrade request are read once listeners are attached.
    setImmediate(() => this.handle());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: Buffer, opcode: number = OP.BINARY): void {
    if (this.closed) return;
    this.socket.write(encodeFrame(data, opcode, false));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.send(body, OP.CLOSE);
    this.socket.end();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  private handle(chunk?: Buffer): void {
    for (const event of this.reader.push(chunk)) {
      if (event.kind === 'message') this.emit('message', event.data);
      else if (event.opcode === OP.PING) this.send(event.payload, OP.PONG);
      else if (event.opcode === OP.CLOSE) this.close(event.payload.length >= 2 ? event.payload.readUInt16BE(0) : 1000);
    }
  }
}
