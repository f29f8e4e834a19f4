// Reading request bodies off the socket: whole bodies in any chunking, the size limit on a body
// that did not declare its length, and a client that goes away mid-body (no request left hanging).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { ApiError } from '../../src/api/errors.js';
import { readBody } from '../../src/server/body.js';
import type { ServerContext } from '../../src/server/types.js';

const LIMIT = 64 * 1024;

interface Outcome {
  body?: Buffer;
  error?: unknown;
  connection?: string;
}

/** A server whose every request is read with readBody; each outcome goes to `outcomes`. */
async function bodyServer(t: { teardown(fn: () => void): void }): Promise<{ port: number; next: () => Promise<Outcome>; arrived: Promise<void> }> {
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const waiting: Array<(o: Outcome) => void> = [];
  const ready: Outcome[] = [];
  const deliver = (o: Outcome): void => {
    const w = waiting.shift();
    if (w) w(o);
    else ready.push(o);
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ctx = {
      req,
      get: (name: string) => String(req.headers[name.toLowerCase()] ?? ''),
      set: (name: string, value: string) => res.setHeader(name, value),
    } as unknown as ServerContext;
    arrive();
    readBody(ctx, LIMIT).then(
      (body) => {
        deliver({ body });
        res.end(String(body.length));
      },
      (error: unknown) => {
        deliver({ error, connection: String(res.getHeader('Connection') ?? '') });
        res.statusCode = error instanceof ApiError ? (error.status.code ?? 500) : 500;
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    port: (server.address() as AddressInfo).port,
    arrived,
    next: () => (ready.length > 0 ? Promise.resolve(ready.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

/** Sends `chunks` with chunked encoding (no Content-Length); resolves with the status, or 0 if the connection dropped. */
function sendChunked(port: number, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Transfer-Encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('a body sent in many chunks arrives whole', async (t) => {
  const { port, next } = await bodyServer(t);
  const chunks = Array.from({ length: 20 }, (_, i) => Buffer.alloc(1000, 97 + i));
  const status = await sendChunked(port, chunks);
  const outcome = await next();
  t.is(status, 200);
  t.deepEqual(outcome.body, Buffer.concat(chunks));
});

test('an undeclared body past the limit is refused with 413 and the connection is to close', async (t) => {
  const { port, next } = await bodyServer(t);
  const status = await sendChunked(port, Array.from({ length: 10 }, () => Buffer.alloc(16 * 1024, 120)));
  const outcome = await next();
  t.true(outcome.error instanceof ApiError);
  t.is((outcome.error as ApiError).status.reason, 'RequestEntityTooLarge');
  t.is(outcome.connection, 'close');
  // The answer reaches the client (413), or the connection closes under its upload.
  t.true(status === 413 || status === 0, `status ${status}`);
});

test('a client that goes away mid-body ends the read with an error', async (t) => {
  const { port, next, arrived } = await bodyServer(t);
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'Content-Length': '5000' } });
  req.on('error', () => undefined);
  req.write(Buffer.alloc(1000, 65));
  // Once the server is reading the body, drop the connection.
  await arrived;
  req.destroy();
  const outcome = await next();
  t.is(outcome.body, undefined);
  t.truthy(outcome.error);
});

test('an empty body is an empty buffer', async (t) => {
  const { port, next } = await bodyServer(t);
  const status = await sendChunked(port, []);
  const outcome = await next();
  t.is(status, 200);
  t.is(outcome.body?.length, 0);
});
