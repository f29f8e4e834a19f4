// One TCP service port on one address: accept, connect to a backend (another one when the
// connect fails), then copy bytes both ways. Connections to a backend that leaves are closed
// after a drain period: a terminating pod leaves the endpoints while it still serves (preStop),
// and requests already on their way to it should get their answers.
// A connection carries no timer and no closures of its own beyond its read callback: its state
// hangs off its backend socket, the event handlers are shared, and one sweep per listener ends
// connects that take too long.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Balancer, backendKey } from './Balancer.js';
import { peerOf, readInto, relay } from './relay.js';

export interface TcpListenerOptions {
  readonly connectTimeoutMs: number;
  /** Backends tried for one connection before giving up. */
  readonly maxAttempts: number;
  readonly onError: (message: string) => void;
  /** How long connections to a backend that left may go on before they are closed; default 5 s. */
  readonly drainMs?: number;
}

const DEFAULT_DRAIN_MS = 5_000;
const CONNECTION = Symbol('corral.tcp.connection');

/** One accepted client and its current backend attempt. */
interface Connection {
  readonly listener: TcpListener;
  readonly client: Socket;
  readonly clientIP: string;
  /** Backends tried so far (failed connects are not tried again). */
  readonly tried: Set<string>;
  key: string;
  /** When the current connect attempt times out (performance.now()). */
  deadline: number;
  connected: boolean;
}

type Upstream = Socket & { [CONNECTION]: Connection };

export class TcpListener {
  readonly balancer = new Balancer();
  private readonly server: Server;
  /** Open proxied connections by backend, to close them when it goes. */
  private readonly byBackend = new Map<string, Set<Socket>>();
  /** Backends that left, by key: the timer that closes their connections. */
  private readonly draining = new Map<string, NodeJS.Timeout>();
  /** Backend sockets still connecting, for the timeout sweep. */
  private readonly connecting = new Set<Upstream>();
  private sweeper: NodeJS.Timeout | undefined;

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
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    for (const s of this.connecting) s.destroy();
    this.connecting.clear();
    for (const sockets of this.byBackend.values()) for (const s of sockets) s.destroy();
    this.byBackend.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    client.on('error', destroySelf);
    // The peer's address costs a system call: asked only where ClientIP affinity needs it.
    const clientIP = this.balancer.hasAffinity ? (client.remoteAddress ?? '') : '';
    this.attempt({ listener: this, client, clientIP, tried: new Set(), key: '', deadline: 0, connected: false });
  }

  /** Connects `c` to the next backend it has not tried; gives up (closing the client) when none is left. */
  private attempt(c: Connection): void {
    const backend = c.tried.size < this.options.maxAttempts ? this.balancer.pick(c.clientIP, c.tried) : undefined;
    if (!backend || c.client.destroyed) {
      c.client.destroy();
      return;
    }
    c.key = backendKey(backend);
    c.tried.add(c.key);
    c.deadline = performance.now() + this.options.connectTimeoutMs;
    const upstream = connect({ host: backend.ip, port: backend.port, noDelay: true, allowHalfOpen: true, onread: readInto(() => peerOf(upstream)) }) as Upstream;
    upstream[CONNECTION] = c;
    upstream.on('error', onUpstreamError);
    upstream.once('connect', onUpstreamConnect);
    this.connecting.add(upstream);
    this.sweeper ??= setInterval(() => this.sweep(), Math.max(10, Math.ceil(this.options.connectTimeoutMs / 4))).unref();
  }

  /** Ends connects past their deadline (the error handler then tries the next backend). */
  private sweep(): void {
    const now = performance.now();
    for (const s of this.connecting) if (s[CONNECTION].deadline <= now) s.destroy(new Error('connect timed out'));
    if (this.connecting.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  // The three below are called by the shared socket handlers at the end of this file.

  /** A connect attempt ended with an error: the next backend, if any. */
  failed(upstream: Upstream): void {
    this.connecting.delete(upstream);
    this.attempt(upstream[CONNECTION]);
  }

  /** A connect attempt succeeded: relay, and track the connection under its backend. */
  connected(upstream: Upstream): void {
    this.connecting.delete(upstream);
    const c = upstream[CONNECTION];
    // The client gave up while we connected: nothing to relay.
    if (c.client.destroyed) {
      upstream.destroy();
      return;
    }
    c.connected = true;
    // Closing the upstream side closes the client's too (relay), so it alone is tracked.
    let set = this.byBackend.get(c.key);
    if (!set) this.byBackend.set(c.key, (set = new Set()));
    set.add(upstream);
    upstream.once('close', onUpstreamClose);
    relay(c.client, upstream);
    c.client.resume();
  }

  /** A relayed connection closed. */
  untrack(upstream: Upstream): void {
    const key = upstream[CONNECTION].key;
    const set = this.byBackend.get(key);
    if (!set) return;
    set.delete(upstream);
    if (set.size === 0) this.byBackend.delete(key);
  }
}

function destroySelf(this: Socket): void {
  this.destroy();
}

function onUpstreamError(this: Upstream): void {
  const c = this[CONNECTION];
  this.destroy();
  // Until connected, a failure means "try the next backend"; after, the relay closes the client.
  if (!c.connected) c.listener.failed(this);
}

function onUpstreamConnect(this: Upstream): void {
  this[CONNECTION].listener.connected(this);
}

function onUpstreamClose(this: Upstream): void {
  this[CONNECTION].listener.untrack(this);
}
