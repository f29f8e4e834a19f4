// One TCP service port on one address: accept, connect to a backend (another one when the
// connect fails), then copy bytes both ways. Connections to a backend that leaves are closed
// after a drain period: a terminating pod leaves the endpoints while it still serves (preStop),
// and requests already on their way to it should get their answers.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Balancer, backendKey } from './Balancer.js';
import { readInto, relay } from './relay.js';

export interface TcpListenerOptions {
  readonly connectTimeoutMs: number;
  /** Backends tried for one connection before giving up. */
  readonly maxAttempts: number;
  readonly onError: (message: string) => void;
  /** How long connections to a backend that left may go on before they are closed; default 5 s. */
  readonly drainMs?: number;
}

const DEFAULT_DRAIN_MS = 5_000;

export class TcpListener {
  readonly balancer = new Balancer();
  private readonly server: Server;
  /** Open proxied connections by backend, to close them when it goes. */
  private readonly byBackend = new Map<string, Set<Socket>>();
  /** Backends that left, by key: the timer that closes their connections. */
  private readonly draining = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly address: string,
    readonly port: number,
    private readonly options: TcpListenerOptions,
  ) {
    // Paused until its backend is connected; half-open, so that a client's half-close is passed on
    // while the backend still answers.
    this.server = createServer({ noDelay: true, pauseOnConnect: true, allowHalfOpen: true }, (client) => this.accept(client));
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

  /** Closes connections to backends no longer listed, once they had the drain period to finish. */
  dropGone(): void {
    const live = this.balancer.liveKeys();
    for (const [key, sockets] of this.byBackend) {
      if (live.has(key) || this.draining.has(key)) continue;
      const timer = setTimeout(() => {
        this.draining.delete(key);
        // Back in the list meanwhile (a readiness blip): its connections stay.
        if (this.balancer.liveKeys().has(key)) return;
        for (const s of sockets) s.destroy();
        if (this.byBackend.get(key) === sockets) this.byBackend.delete(key);
      }, this.options.drainMs ?? DEFAULT_DRAIN_MS);
      timer.unref();
      this.draining.set(key, timer);
    }
  }

  close(): Promise<void> {
    for (const timer of this.draining.values()) clearTimeout(timer);
    this.draining.clear();
    for (const sockets of this.byBackend.values()) for (const s of sockets) s.destroy();
    this.byBackend.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', () => client.destroy());
    // The peer's address costs a system call: asked only where ClientIP affinity needs it.
    const clientIP = this.balancer.hasAffinity ? (client.remoteAddress ?? '') : '';
    let tried: Set<string> | undefined;
    const attempt = (): void => {
      const backend = (tried?.size ?? 0) < this.options.maxAttempts ? this.balancer.pick(clientIP, tried) : undefined;
      if (!backend || client.destroyed) {
        client.destroy();
        return;
      }
      const key = backendKey(backend);
      (tried ??= new Set()).add(key);
      let connected = false;
      const upstream = connect({ host: backend.ip, port: backend.port, noDelay: true, allowHalfOpen: true, onread: readInto(() => (connected ? client : undefined)) });
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
        upstream.on('error', () => upstream.destroy());
        // The client gave up while we connected: nothing to relay.
        if (client.destroyed) {
          upstream.destroy();
          return;
        }
        connected = true;
        // Closing the upstream side closes the client's too (relay), so it alone is tracked.
        this.track(key, upstream);
        relay(client, upstream);
        client.resume();
      });
    };
    attempt();
  }

  private track(key: string, socket: Socket): void {
    let set = this.byBackend.get(key);
    if (!set) this.byBackend.set(key, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set!.delete(socket);
      if (set!.size === 0 && this.byBackend.get(key) === set) this.byBackend.delete(key);
    });
  }
}
