import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, toStatus } from '../../api/errors.js';
import type { Status } from '../../api/types.js';
import type { AgentServerOptions, Route } from './AgentServer.js';
import { acceptWebSocket, chooseProtocol, type ServerWebSocket } from './websocket.js';

// /exec/{namespace}/{pod}/{container} over Kubernetes' WebSocket channel protocol: each binary
// message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 resize as
// {"Width","Height"}); v5 adds 255 to close a channel (stdin's end). The command's exit is the
// Status on channel 3: Success, or NonZeroExitCode with the code as an ExitCode cause.

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1';
}

function refuse(socket: Duplex, err: unknown): void {
  const status = toStatus(err);
  const body = JSON.stringify(status);
  socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function exitStatus(code: number): Status {
  if (code === 0) return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 } as Status;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
    code: 500,
  };
}

function drained(s: NodeJS.ReadableStream & { readableEnded?: boolean }): Promise<void> {
  return new Promise((done) => {
    if (s.readableEnded) return done();
    s.once('end', () => done());
    s.once('close', () => done());
  });
}

function sendChannel(ws: ServerWebSocket, channel: number, data: Buffer | string): void {
  const payload = Buffer.isBuffer(data) ? data : Buffer.from(data);
  ws.send(Buffer.concat([Buffer.from([channel]), payload]));
}

export async function serveExec(req: IncomingMessage, socket: Duplex, head: Buffer, r: Route, options: AgentServerOptions): Promise<void> {
  const q = r.query;
  const command = q.getAll('command');
  const protocol = chooseProtocol(req, PROTOCOLS);
  let containerId: string;
  try {
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket' || !protocol) {
      throw ApiError.badRequest(`exec needs a WebSocket upgrade with one of the subprotocols ${PROTOCOLS.join(', ')}; SPDY is not supported`);
    }
    if (command.length === 0) throw ApiError.badRequest('you must specify at least 1 command');
    containerId = await options.lookup(r.namespace, r.pod, r.container, false);
  } catch (err) {
    refuse(socket, err);
    return;
  }
  const tty = flag(q, 'tty');
  const wantStdin = flag(q, 'stdin');
  let session;
  try {
    session = await options.runtime.exec(containerId, { command, stdin: wantStdin, tty });
  } catch (err) {
    refuse(socket, ApiError.of('InternalError', `cannot exec in container ${r.container} of pod ${r.namespace}/${r.pod}: ${(err as Error).message}`));
    return;
  }
  const ws = acceptWebSocket(req, socket, head, protocol!);
  ws.on('message', (message: Buffer) => {
    const channel = message[0];
    const data = message.subarray(1);
    if (channel === STDIN) session.stdin?.write(data);
    else if (channel === RESIZE && session.resize) {
      try {
        const size = JSON.parse(data.toString('utf8')) as { Width?: number; Height?: number };
        session.resize(size.Width ?? 80, size.Height ?? 24);
      } catch {
        // A malformed resize is ignored, as kubelet does.
      }
    } else if (channel === CLOSE && data[0] === STDIN) session.stdin?.end();
  });
  ws.once('close', () => session.stdin?.end());
  session.stdout.on('data', (chunk: Buffer) => sendChannel(ws, STDOUT, chunk));
  session.stderr.on('data', (chunk: Buffer) => sendChannel(ws, tty ? STDOUT : STDERR, chunk));
  const code = await session.exitCode;
  // Output written just before the exit still goes out before the Status (bounded: a runtime
  // that never ends its streams must not hold the session open).
  await Promise.race([Promise.all([drained(session.stdout), drained(session.stderr)]), new Promise((done) => setTimeout(done, 1_000).unref())]);
  sendChannel(ws, ERROR, JSON.stringify(exitStatus(code)));
  ws.close();
}
