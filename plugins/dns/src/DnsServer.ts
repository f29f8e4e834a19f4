// The DNS server: UDP and TCP on one address and port. Names in the cluster domain are answered
// from the view; others go to the upstream resolvers (over UDP), or are refused when there are none.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import { answer, type ClusterView } from './records.js';
import { RCODE, WireError, parseQuery, writeResponse, type Query } from './wire.js';

export interface DnsServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly domain: string;
  /** "ip" or "ip:port"; empty: names outside the domain are refused. */
  readonly upstreams: readonly string[];
  readonly forwardTimeoutMs?: number;
  readonly onError?: (message: string) => void;
}

const MAX_UDP = 512;

export class DnsServer {
  private udp?: UdpSocket;
  private tcp?: Server;
  private readonly tcpSockets = new Set<Socket>();
  /** The port bound (after start). */
  port = 0;

  constructor(
    private readonly view: ClusterView,
    private readonly options: DnsServerOptions,
  ) {}

  async start(): Promise<void> {
    const { host } = this.options;
    const udp = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    udp.on('message', (msg, from) => {
      void this.respond(msg, MAX_UDP).then((reply) => reply && udp.send(reply, from.port, from.address));
    });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: host, port: this.options.port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    this.port = udp.address().port;
    const tcp = createServer((socket) => this.serveTcp(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host, port: this.port, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      udp.close();
      throw err;
    }
    this.tcp = tcp;
  }

  async stop(): Promise<void> {
    for (const s of this.tcpSockets) s.destroy();
    await Promise.all([
      new Promise<void>((r) => (this.udp ? this.udp.close(() => r()) : r())),
      new Promise<void>((r) => (this.tcp ? this.tcp.close(() => r()) : r())),
    ]);
  }

  /** The reply to one message, or undefined when it is not worth one (not even a header). */
  async respond(msg: Buffer, maxSize = Infinity): Promise<Buffer | undefined> {
    let query: Query;
    try {
      query = parseQuery(msg);
    } catch (err) {
      if (!(err instanceof WireError) || msg.length < 12) return undefined;
      const header = Buffer.from(msg.subarray(0, 12));
      header.writeUInt16BE(0x8000 | RCODE.FORMERR, 2);
      header.fill(0, 4);
      return header;
    }
    try {
      const found = answer(query.question, this.view, this.options.domain);
      if (found !== 'forward') return writeResponse(query, found, maxSize);
      if (this.options.upstreams.length === 0) return writeResponse(query, { rcode: RCODE.REFUSED, answers: [], aa: false }, maxSize);
      return await this.forward(msg, query);
    } catch (err) {
      this.options.onError?.(`answering ${query.question.name}: ${err instanceof Error ? err.message : String(err)}`);
      return writeResponse(query, { rcode: RCODE.SERVFAIL, answers: [], aa: false }, maxSize);
    }
  }

  private serveTcp(socket: Socket): void {
    this.tcpSockets.add(socket);
    socket.on('close', () => this.tcpSockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(10_000, () => socket.destroy());
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void this.respond(msg).then((reply) => {
          if (!reply || socket.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(reply.length);
          socket.write(Buffer.concat([len, reply]));
        });
      }
    });
  }

  /** Asks the upstreams in turn; the first answer wins. */
  private async forward(msg: Buffer, query: Query): Promise<Buffer> {
    for (const upstream of this.options.upstreams) {
      const [host, port] = upstream.includes(']') || (upstream.match(/:/g)?.length ?? 0) > 1 ? [upstream, '53'] : upstream.split(':');
      try {
        return await udpExchange(msg, host!, Number(port ?? 53), this.options.forwardTimeoutMs ?? 2000);
      } catch {
        // The next one.
      }
    }
    return writeResponse(query, { rcode: RCODE.SERVFAIL, answers: [], aa: false });
  }
}

function udpExchange(msg: Buffer, host: string, port: number, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${host}:${port}`));
    }, timeoutMs);
    socket.once('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.close();
      reject(err);
    });
    socket.send(msg, port, host);
  });
}
