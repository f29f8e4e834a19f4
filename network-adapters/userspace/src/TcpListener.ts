// One TCP service port on one address: accept, connect to a backend (another one when the
// connect fails), then copy bytes both ways. Connections to a backend that leaves are closed.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Balancer, backendKey } from './Balancer.js';

export interface TcpListenerOptions {
  readonly connectTimeoutMs: number;
  /** Backends tried for one connection before giving up. */
  readonly maxAttempts: number;
  readonly onError: (message: string) => void;
}

export class TcpListener {
  readonly balancer = new Balancer();
  private readonly server: Server;
  /** Open proxied connections by backend, to close them when it goes. */
  private readonly byBackend = new Map<string, Set<Socket>>();

  constructor(
    readonly address: string,
    readonly port: number,
    private readonly options: TcpListenerOptions,
  ) {
    this.server = createServer({ noDelay: true }, (client) => this.accept(client));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host: this.address, port: this.port, exclusive: true }, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.options.onError(`${this.address}:${this.port}/TCP: ${err.message}`));
        resolve();
      });
    });
  }

  /** Closes connections to backends no longer listed. */
  dropGone(): void {
    const live = this.balancer.liveKeys();
    for (const [key, sockets] of this.byBackend) {
      if (live.has(key)) continue;
      for (const s of sockets) s.destroy();
      this.byBackend.delete(key);
    }
  }

  close(): Promise<void> {
    for (const sockets of this.byBackend.values()) for (const s of sockets) s.destroy();
    this.byBackend.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.pause();
    client.on('error', () => client.destroy());
    const clientIP = client.remoteAddress ?? '';
    const tried = new Set<string>();
    const attempt = (): void => {
      const backend = tried.size < this.options.maxAttempts ? this.balancer.pick(clientIP, tried) : undefined;
      if (!backend || client.destroyed) {
        client.destroy();
        return;
      }
      const key = backendKey(backend);
      tried.add(key);
      const upstream = connect({ host: backend.ip, port: backend.port, noDelay: true });
      const timer = setTimeout(() => upstream.destroy(new Error('connect timed out')), this.options.connectTimeoutMs);
      // Until connected, a failure means "try the next backend".
      const failed = () => {
        clearTimeout(timer);
        upstream.destroy();
        attempt();
      };
      upstream.once('error', failed);
      upstream.once('connect', () => {
        clearTimeout(timer);
        upstream.off('error', failed);
        this.track(key, client, upstream);
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt();
  }

  private track(key: string, ...sockets: Socket[]): void {
    let set = this.byBackend.get(key);
    if (!set) this.byBackend.set(key, (set = new Set()));
    for (const s of sockets) {
      set.add(s);
      s.once('close', () => {
        set!.delete(s);
        if (set!.size === 0 && this.byBackend.get(key) === set) this.byBackend.delete(key);
      });
    }
  }
}
