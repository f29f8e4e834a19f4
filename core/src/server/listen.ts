// Listening: plain HTTP or HTTPS, upgrade requests (exec's streams) routed through the same
// app, and a listen failure a person can act on.
import { constants } from 'node:crypto';
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { UpgradeRequest } from './subresources/agent.js';
import type { ServingCertificates } from './tls.js';

export const DEFAULT_LISTEN = '127.0.0.1:6443';

/** The address could not be bound; `code` is Node's (EADDRINUSE, EACCES, EADDRNOTAVAIL, ...). */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`listen address ${JSON.stringify(listen)} is not host:port (e.g. 127.0.0.1:6443)`);
  return { host: match[1] ?? match[2] ?? '', port };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The host to put in the server's URL: a wildcard listen is reached on loopback. */
export function urlHost(host: string): string {
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface Listener {
  server: Server;
  /** Ends the connections taken over by upgrades (exec streams): server.close() waits for them. */
  destroyUpgraded(): void;
}

export function createListener(handler: RequestListener, certs?: ServingCertificates): Listener {
  // Client certificates are asked for, not required: one signed by the CA identifies its user.
  // No renegotiation (Kubernetes' Go server has none either): a connection keeps the
  // certificate it began with, so its user is read once per connection.
  const server = certs
    ? createHttpsServer(
        { cert: certs.certificate, key: certs.key, ca: certs.caCertificate, requestCert: true, rejectUnauthorized: false, secureOptions: constants.SSL_OP_NO_RENEGOTIATION },
        handler,
      )
    : createHttpServer(handler);
  // Upgrade requests skip node's request event; give them a response object on their socket so
  // they go through the app like any request (errors as Status), and the exec handler can
  // take the socket over when the agent agrees to upgrade.
  const upgraded = new Set<Socket>();
  server.on('upgrade', (req: UpgradeRequest, socket: Socket, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    req.upgradeHead = head;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.on('finish', () => {
      res.detachSocket(socket);
      socket.end();
    });
    handler(req, res);
  });
  return {
    server,
    destroyUpgraded: () => {
      for (const socket of upgraded) socket.destroy();
    },
  };
}

function describeListenError(code: string, host: string, port: number): string {
  const where = `${host || '0.0.0.0'}:${port}`;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: port ${port} is already in use by another process; stop it, or choose another port with --listen ${host || '127.0.0.1'}:PORT (server.listen in the config file)`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose a port above 1024 with --listen`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: ${host} is not an address of this machine; choose one of its addresses with --listen`;
    default:
      return `cannot listen on ${where}: ${code}`;
  }
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const code = err.code ?? 'UNKNOWN';
      reject(new ListenError(code, host, port, describeListenError(code, host, port)));
    };
    server.once('error', onError);
    server.listen(port, host || undefined, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
