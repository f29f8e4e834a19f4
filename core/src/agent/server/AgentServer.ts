import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, toStatus } from '../../api/errors.js';
import type { Status } from '../../api/types.js';
import type { RuntimeAdapter } from '../../kernel/contracts/runtime.js';
import type { AgentLogger } from '../types.js';
import { serveExec } from './exec.js';
import { serveLogs } from './logs.js';

// The agent's own port: the kubelet paths the API server relays pods/log and pods/exec to
// (/containerLogs/{namespace}/{pod}/{container}, /exec/{namespace}/{pod}/{container}), and
// /healthz. Plain HTTP, as the API server's relay speaks it.

/** Finds the runtime container behind a pod's container; throws ApiError (404, 400) when there is none. */
export type ContainerLookup = (namespace: string, pod: string, container: string, previous: boolean) => Promise<string>;

export interface AgentServerOptions {
  host: string;
  port: number;
  runtime: RuntimeAdapter;
  lookup: ContainerLookup;
  logger: AgentLogger;
}

export interface AgentServer {
  readonly port: number;
  close(): Promise<void>;
}

interface Route {
  kind: 'containerLogs' | 'exec';
  namespace: string;
  pod: string;
  container: string;
  query: URLSearchParams;
}

function route(req: IncomingMessage): Route | undefined {
  const url = new URL(req.url ?? '/', 'http://agent');
  const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
  if (parts.length !== 4 || (parts[0] !== 'containerLogs' && parts[0] !== 'exec')) return undefined;
  return { kind: parts[0], namespace: parts[1]!, pod: parts[2]!, container: parts[3]!, query: url.searchParams };
}

export function sendStatus(res: ServerResponse, err: unknown): void {
  const status: Status = toStatus(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status.code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(status));
}

export function startAgentServer(options: AgentServerOptions): Promise<AgentServer> {
  const sockets = new Set<Duplex>();
  const server: Server = createServer((req, res) => {
    const r = route(req);
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (!r) return sendStatus(res, ApiError.notFound('path', req.url ?? ''));
    if (r.kind === 'exec') return sendStatus(res, ApiError.badRequest('exec needs a WebSocket upgrade (v5.channel.k8s.io or v4.channel.k8s.io); SPDY is not supported'));
    serveLogs(req, res, r, options).catch((err: unknown) => sendStatus(res, err));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const r = route(req);
    if (!r || r.kind !== 'exec') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    serveExec(req, socket, head, r, options).catch((err: unknown) => {
      options.logger.warn(`exec in ${r.namespace}/${r.pod}/${r.container} failed: ${(err as Error).message}`);
      socket.destroy();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export type { Route };
