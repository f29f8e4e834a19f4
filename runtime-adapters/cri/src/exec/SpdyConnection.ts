import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';

// A minimal SPDY/3.1 client, the transport the Kubernetes streaming protocol (exec, attach,
// port-forward) runs on: an HTTP/1.1 upgrade, then framed streams the client opens, each one
// able to half-close (which websockets before protocol v5 cannot: stdin needs it).
//
// Header blocks are zlib streams. The receiver only needs a valid zlib stream, so this client
// sends its header blocks as uncompressed (stored) deflate blocks of one continuous stream,
// and skips the header blocks it receives: nothing in them matters to it.

const VERSION = 3;
const TYPE_SYN_STREAM = 1;
const TYPE_RST_STREAM = 3;
const TYPE_PING = 6;
const TYPE_GOAWAY = 7;
const FLAG_FIN = 0x01;
/** A zlib header: deflate, 32 KiB window, no preset dictionary, valid check bits. */
const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
const MAX_DATA = 64 * 1024;

export interface SpdyStreamEvents {
  data: [chunk: Buffer];
  /** The server closed its side, or the connection ended. */
  end: [];
}

export class SpdyStream extends EventEmitter<SpdyStreamEvents> {
  private ended = false;
  private closedLocally = false;

  constructor(
    private readonly connection: SpdyConnection,
    readonly id: number,
  ) {
    super();
  }

  write(data: Buffer): void {
    if (this.closedLocally) return;
    for (let at = 0; at < data.length; at += MAX_DATA) this.connection.sendData(this.id, data.subarray(at, at + MAX_DATA), false);
  }

  /** Half-closes: the server reads EOF. */
  end(): void {
    if (this.closedLocally) return;
    this.closedLocally = true;
    this.connection.sendData(this.id, Buffer.alloc(0), true);
  }

  /** @internal */
  receive(data: Buffer, fin: boolean): void {
    if (data.length > 0) this.emit('data', data);
    if (fin) this.remoteEnd();
  }

  /** @internal */
  remoteEnd(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('end');
  }
}

export interface SpdyConnectionEvents {
  close: [];
  error: [err: Error];
}

export class SpdyConnection extends EventEmitter<SpdyConnectionEvents> {
  private readonly streams = new Map<number, SpdyStream>();
  private nextId = 1;
  private headerStreamStarted = false;
  private buffer: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    /** The streaming protocol version the server chose (`X-Stream-Protocol-Version`). */
    readonly protocol: string,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.emit('error', err));
    socket.on('close', () => this.finish());
  }

  /** Upgrades a POST to `url` to SPDY/3.1, offering `protocols`; rejects with the server's answer otherwise. */
  static connect(url: string, protocols: readonly string[]): Promise<SpdyConnection> {
    const target = new URL(url);
    const where = `${target.origin}${target.pathname}`;
    return new Promise((resolve, reject) => {
      const req = request(target, {
        method: 'POST',
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': [...protocols], 'Content-Length': '0' },
      });
      req.once('error', (err) => reject(new Error(`streaming connection to ${where} failed: ${err.message}`)));
      req.once('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => reject(new Error(`${where} refused the SPDY upgrade: HTTP ${res.statusCode} ${body.trim()}`)));
      });
      req.once('upgrade', (res, socket, head) => {
        socket.setNoDelay(true);
        const connection = new SpdyConnection(socket, String(res.headers['x-stream-protocol-version'] ?? ''));
        resolve(connection);
        if (head.length > 0) connection.receive(head);
      });
      req.end();
    });
  }

  /** Opens a stream carrying `headers` (names are sent lowercased, as SPDY wants). */
  openStream(headers: Readonly<Record<string, string>>): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const stream = new SpdyStream(this, id);
    this.streams.set(id, stream);
    const fixed = Buffer.alloc(10);
    fixed.writeUInt32BE(id, 0);
    // associated stream 0, priority 0, slot 0
    this.control(TYPE_SYN_STREAM, 0, Buffer.concat([fixed, this.headerBlock(headers)]));
    return stream;
  }

  close(): void {
    if (this.closed) return;
    this.control(TYPE_GOAWAY, 0, Buffer.alloc(8));
    this.socket.end();
    this.finish();
  }

  /** @internal */
  sendData(streamId: number, data: Buffer, fin: boolean): void {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(streamId & 0x7fffffff, 0);
    header.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    this.write(Buffer.concat([header, data]));
  }

  private headerBlock(headers: Readonly<Record<string, string>>): Buffer {
    const entries = Object.entries(headers);
    const parts: Buffer[] = [u32(entries.length)];
    for (const [name, value] of entries) {
      const n = Buffer.from(name.toLowerCase());
      const v = Buffer.from(value);
      parts.push(u32(n.length), n, u32(v.length), v);
    }
    const raw = Buffer.concat(parts);
    const out: Buffer[] = [];
    if (!this.headerStreamStarted) {
      this.headerStreamStarted = true;
      out.push(ZLIB_HEADER);
    }
    if (raw.length > 0xffff) throw new Error(`SPDY header block too large (${raw.length} bytes)`);
    // One stored deflate block (not final): 0x00, LEN and its one's complement, little-endian;
    // then an empty one, which is what a sync flush writes: it tells the reader to hand over
    // what it has rather than wait for more of the stream.
    out.push(storedBlockHeader(raw.length), raw, storedBlockHeader(0));
    return Buffer.concat(out);
  }

  private control(type: number, flags: number, payload: Buffer): void {
    const header = Buffer.alloc(8);
    header.writeUInt16BE(0x8000 | VERSION, 0);
    header.writeUInt16BE(type, 2);
    header.writeUInt32BE((flags << 24) | payload.length, 4);
    this.write(Buffer.concat([header, payload]));
  }

  private write(frame: Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(frame);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 8) {
      const length = this.buffer.readUInt32BE(4) & 0xffffff;
      if (this.buffer.length < 8 + length) return;
      const flags = this.buffer[4]!;
      const payload = this.buffer.subarray(8, 8 + length);
      const isControl = (this.buffer[0]! & 0x80) !== 0;
      const word = this.buffer.readUInt32BE(0);
      this.buffer = this.buffer.subarray(8 + length);
      if (isControl) this.controlFrame(word & 0xffff, payload);
      else this.streams.get(word & 0x7fffffff)?.receive(Buffer.from(payload), (flags & FLAG_FIN) !== 0);
    }
  }

  private controlFrame(type: number, payload: Buffer): void {
    switch (type) {
      case TYPE_PING:
        this.control(TYPE_PING, 0, Buffer.from(payload));
        return;
      case TYPE_RST_STREAM:
        if (payload.length >= 4) this.streams.get(payload.readUInt32BE(0) & 0x7fffffff)?.remoteEnd();
        return;
      default:
        // SYN_REPLY, SETTINGS, HEADERS, WINDOW_UPDATE, GOAWAY (open streams go on until the
        // socket closes): nothing this client acts on.
        return;
    }
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams.values()) stream.remoteEnd();
    if (!this.socket.destroyed) this.socket.end();
    this.emit('close');
  }
}

function storedBlockHeader(length: number): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(length, 1);
  head.writeUInt16LE(~length & 0xffff, 3);
  return head;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
