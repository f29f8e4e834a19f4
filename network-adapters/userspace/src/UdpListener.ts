// One UDP service port on one address. Each client (address and port) gets a session: a socket
// of its own towards the backend picked for it, whose replies go back to the client from the
// service's address. Sessions end after being idle, or when their backend goes.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { Balancer, backendKey } from './Balancer.js';

export interface UdpListenerOptions {
  readonly idleTimeoutMs: number;
  readonly onError: (message: string) => void;
}

interface Session {
  readonly socket: Socket;
  readonly backend: string;
  idle: NodeJS.Timeout;
  /** Datagrams that arrived before the session's socket connected. */
  pending?: Buffer[];
}

export class UdpListener {
  readonly balancer = new Balancer();
  private readonly socket: Socket;
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly address: string,
    readonly port: number,
    private readonly options: UdpListenerOptions,
  ) {
    this.socket = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    this.socket.on('message', (msg, from) => this.forward(msg, from));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.socket.once('error', onError);
      this.socket.bind({ address: this.address, port: this.port, exclusive: true }, () => {
        this.socket.off('error', onError);
        this.socket.on('error', (err) => this.options.onError(`${this.address}:${this.port}/UDP: ${err.message}`));
        resolve();
      });
    });
  }

  dropGone(): void {
    const live = this.balancer.liveKeys();
    for (const [client, session] of this.sessions) if (!live.has(session.backend)) this.end(client, session);
  }

  async close(): Promise<void> {
    for (const [client, session] of this.sessions) this.end(client, session);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private forward(msg: Buffer, from: RemoteInfo): void {
    const client = `${from.address}:${from.port}`;
    let session = this.sessions.get(client);
    if (!session) {
      const backend = this.balancer.pick(from.address);
      if (!backend) return;
      const socket = createSocket({ type: isIPv6(backend.ip) ? 'udp6' : 'udp4' });
      socket.on('message', (reply) => {
        this.touch(client);
        this.socket.send(reply, from.port, from.address);
      });
      socket.on('error', () => this.end(client, this.sessions.get(client)));
      socket.connect(backend.port, backend.ip);
      const s: Session = {
        socket,
        backend: backendKey(backend),
        idle: setTimeout(() => this.end(client, this.sessions.get(client)), this.options.idleTimeoutMs),
        pending: [msg],
      };
      this.sessions.set(client, s);
      socket.once('connect', () => {
        for (const m of s.pending ?? []) s.socket.send(m);
        s.pending = undefined;
      });
      return;
    }
    this.touch(client);
    if (session.pending) session.pending.push(msg);
    else session.socket.send(msg);
  }

  private touch(client: string): void {
    const session = this.sessions.get(client);
    if (session) session.idle.refresh();
  }

  private end(client: string, session: Session | undefined): void {
    if (!session || this.sessions.get(client) !== session) return;
    this.sessions.delete(client);
    clearTimeout(session.idle);
    session.socket.close();
  }
}
