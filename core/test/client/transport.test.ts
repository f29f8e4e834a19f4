// The client's HTTP behaviour against small scripted servers: what a real server rarely does on
// demand (end a watch stream, send an ERROR event, answer 429, stall, speak exec's channels).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import test from 'ava';
import { ApiError } from '../../src/api/errors.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import { ConnectionError } from '../../src/client/transport.js';

const CM = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' };

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  onUpgrade?: (req: IncomingMessage, socket: Duplex) => void,
): Promise<{ client: ApiClient; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  if (onUpgrade) server.on('upgrade', onUpgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const client = new ApiClient({ server: `http://127.0.0.1:${port}`, namespace: 'default', insecureSkipTlsVerify: false, files: [] }, { timeoutMs: 2000 });
  return {
    client,
    server,
    close: async () => {
      client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

const event = (type: string, rv: string, name = 'x'): string => `${JSON.stringify({ type, object: { metadata: { name, resourceVersion: rv } } })}\n`;

test('a watch resumes from the last resourceVersion when the server ends the stream', async (t) => {
  const asked: (string | null)[] = [];
  const { client, close } = await serve((req, res) => {
    const rv = new URL(req.url!, 'http://x').searchParams.get('resourceVersion');
    asked.push(rv);
    res.writeHead(200, { 'content-type': 'application/json' });
    if (asked.length === 1) {
      // Two events split across chunks, then the server's watch timeout ends the stream.
      const text = event('ADDED', '11') + event('MODIFIED', '12');
      res.write(text.slice(0, 20));
      setTimeout(() => res.end(text.slice(20)), 20);
    } else {
      res.write(event('BOOKMARK', '15'));
      res.end(event('DELETED', '16'));
    }
  });
  t.teardown(close);
  const watch = client.watch(CM, { namespace: 'n', resourceVersion: '10' });
  const seen: string[] = [];
  for await (const e of watch) {
    seen.push(`${e.type}@${e.object.metadata.resourceVersion}`);
    if (seen.length === 3) break;
  }
  t.deepEqual(seen, ['ADDED@11', 'MODIFIED@12', 'DELETED@16'], 'bookmarks move the resume point but are not delivered');
  t.deepEqual(asked.slice(0, 2), ['10', '12']);
  t.is(watch.resourceVersion, '16');
});

test('an ERROR event ends the watch with its Status as ApiError (410: list again)', async (t) => {
  const { client, close } = await serve((_req, res) => {
    res.writeHead(200);
    res.write(event('ADDED', '5'));
    res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', code: 410, message: 'too old resource version: 1 (5)' } })}\n`);
  });
  t.teardown(close);
  const watch = client.watch(CM, { namespace: 'n', resourceVersion: '1' });
  const types: string[] = [];
  const err = await t.throwsAsync(async () => {
    for await (const e of watch) types.push(e.type);
  });
  t.deepEqual(types, ['ADDED']);
  t.true(err instanceof ApiError);
  t.is((err as ApiError).code, 410);
  t.is((err as ApiError).reason, 'Expired');
});

test('a watch that cannot start fails with the server\'s Status; reconnect: false ends with the stream', async (t) => {
  let calls = 0;
  const { client, close } = await serve((_req, res) => {
    calls++;
    if (calls === 1) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: 'no' }));
      return;
    }
    res.writeHead(200);
    res.end(event('ADDED', '3'));
  });
  t.teardown(close);
  const err = await t.throwsAsync(async () => {
    for await (const _ of client.watch(CM, { namespace: 'n', resourceVersion: '1' })) t.fail();
  });
  t.is((err as ApiError).reason, 'Forbidden');
  const events: string[] = [];
  for await (const e of client.watch(CM, { namespace: 'n', resourceVersion: '1', reconnect: false })) events.push(e.type);
  t.deepEqual(events, ['ADDED']);
});

test('a slow consumer pauses the socket instead of buffering without bound', async (t) => {
  const { client, close } = await serve((_req, res) => {
    res.writeHead(200);
    let rv = 0;
    const burst = (): void => {
      let text = '';
      for (let i = 0; i < 500; i++) text += event('MODIFIED', String(++rv));
      if (rv < 5000) res.write(text, burst);
      else res.end(text);
    };
    burst();
  });
  t.teardown(close);
  const watch = client.watch(CM, { namespace: 'n', resourceVersion: '0', reconnect: false });
  let count = 0;
  let last = 0;
  for await (const e of watch) {
    const rv = Number(e.object.metadata.resourceVersion);
    t.is(rv, last + 1);
    last = rv;
    if (++count % 1000 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  t.is(count, 5000);
});

test('answers without a Status become ApiErrors worded as client-go words them; 429 is retried after Retry-After', async (t) => {
  let calls = 0;
  const { client, close } = await serve((req, res) => {
    calls++;
    if (req.url!.startsWith('/api/v1/namespaces/n/configmaps/plain')) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    } else if (req.url!.startsWith('/api/v1/namespaces/n/configmaps/busy')) {
      if (calls < 3) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ metadata: { name: 'busy' } }));
      }
    } else {
      res.writeHead(502);
      res.end('bad gateway');
    }
  });
  t.teardown(close);
  const notFound = await t.throwsAsync(client.get(CM, 'plain', { namespace: 'n' }));
  t.true(notFound instanceof ApiError);
  t.is((notFound as ApiError).reason, 'NotFound');
  t.is(notFound!.message, 'the server could not find the requested resource');
  const started = Date.now();
  calls = 1;
  t.is((await client.get(CM, 'busy', { namespace: 'n' })).metadata.name, 'busy');
  t.true(Date.now() - started >= 900, 'waited for Retry-After');
  const bad = await t.throwsAsync(client.get(CM, 'other', { namespace: 'n' }));
  t.is((bad as ApiError).code, 502);
  t.is(bad!.message, 'bad gateway');
});

test('the request timeout ends a request the server never answers; a refused connection says so', async (t) => {
  const { client, close } = await serve(() => undefined);
  t.teardown(close);
  const err = await t.throwsAsync(client.get(CM, 'x', { namespace: 'n' }));
  t.true(err instanceof ConnectionError);
  t.regex(err!.message, /timed out after 2s/);
  const refused = new ApiClient({ server: 'http://127.0.0.1:1', namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const conn = await t.throwsAsync(refused.get(CM, 'x'));
  t.is(conn!.message, 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
});

test('a request on a kept-alive connection the server has just closed is sent again on a new one; a fresh connection reset is not', async (t) => {
  const sockets = new Set<unknown>();
  let served = 0;
  let resetFresh = false;
  const { client, close } = await serve((req, res) => {
    const fresh = !sockets.has(req.socket);
    sockets.add(req.socket);
    // The second request on the first connection: the server drops it as idle, unanswered.
    if ((!fresh && sockets.size === 1) || (fresh && resetFresh)) {
      req.socket.destroy();
      return;
    }
    served++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'x', namespace: 'n' } }));
  });
  t.teardown(close);
  t.is((await client.get<{ metadata: { name: string } }>(CM, 'x', { namespace: 'n' })).metadata.name, 'x');
  t.is((await client.get<{ metadata: { name: string } }>(CM, 'x', { namespace: 'n' })).metadata.name, 'x');
  t.is(served, 2);
  t.is(sockets.size, 2, 'the second request went out again on a new connection');

  // A connection that was never used before: its failure is the answer.
  client.close();
  resetFresh = true;
  const err = await t.throwsAsync(client.get(CM, 'x', { namespace: 'n' }));
  t.true(err instanceof ConnectionError);
  t.is(served, 2);
});

/** A server-side WebSocket frame (unmasked, binary). */
function frame(payload: Buffer, opcode = 0x2): Buffer {
  const header = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 255]);
  return Buffer.concat([header, payload]);
}

function unmask(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let b = data;
  while (b.length >= 6) {
    const length = b[1]! & 0x7f;
    const mask = b.subarray(2, 6);
    out.push(Buffer.from(b.subarray(6, 6 + length).map((x, i) => x ^ mask[i & 3]!)));
    b = b.subarray(6 + length);
  }
  return out;
}

test('exec speaks the channel protocol: stdin in, stdout and stderr out, the exit code from the Status', async (t) => {
  let query: URLSearchParams | undefined;
  const { client, close } = await serve(
    (_req, res) => res.end(),
    (req, socket) => {
      query = new URL(req.url!, 'http://x').searchParams;
      const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: v5.channel.k8s.io', '', ''].join('\r\n'));
      socket.on('data', (data: Buffer) => {
        for (const message of unmask(data)) {
          if (message[0] === 0) {
            socket.write(frame(Buffer.concat([Buffer.from([1]), Buffer.from('echo:'), message.subarray(1)])));
          } else if (message[0] === 255) {
            socket.write(frame(Buffer.concat([Buffer.from([2]), Buffer.from('warning\n')])));
            const status = { metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'exit 3', details: { causes: [{ reason: 'ExitCode', message: '3' }] } };
            socket.write(frame(Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(status))])));
            socket.end(frame(Buffer.from([3, 232]), 0x8));
          }
        }
      });
    },
  );
  t.teardown(close);
  const { PassThrough } = await import('node:stream');
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  const running = client.exec('p', { namespace: 'n', container: 'c', command: ['sh', '-c', 'cat'], stdin, stdout: { write: (d) => (out += d) }, stderr: { write: (d) => (err += d) } });
  setTimeout(() => stdin.end('hello'), 20);
  const result = await running;
  t.is(result.exitCode, 3);
  t.is(out, 'echo:hello');
  t.is(err, 'warning\n');
  t.deepEqual(query?.getAll('command'), ['sh', '-c', 'cat']);
  t.is(query?.get('container'), 'c');
  t.is(query?.get('stdin'), 'true');
});
