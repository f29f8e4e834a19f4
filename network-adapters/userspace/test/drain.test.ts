// A backend that leaves the endpoints (a pod in its preStop) gets no new connections, but the
// ones it already has may finish their exchange during the drain period; then they are closed.
import test from 'ava';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { TcpListener } from '../src/TcpListener.js';

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The first chunk the socket receives, or "closed". */
function nextData(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (d) => resolve(d.toString()));
    socket.once('close', () => resolve('closed'));
  });
}

test('connections to a backend that left finish during the drain, then close; new ones do not reach it', async (t) => {
  // The backend answers each request only when the test says so: a request in flight.
  const held: Socket[] = [];
  const backend = createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', () => held.push(s));
  });
  const backendPort = await listening(backend);
  const port = await freePort();
  const listener = new TcpListener('127.0.0.1', port, { connectTimeoutMs: 1000, maxAttempts: 2, onError: () => undefined, drainMs: 400 });
  await listener.listen();
  t.teardown(async () => {
    await listener.close();
    for (const s of held) s.destroy();
    await new Promise((resolve) => backend.close(resolve));
  });
  listener.balancer.update([{ ip: '127.0.0.1', port: backendPort, ready: true }], undefined);

  const client = connect({ host: '127.0.0.1', port });
  client.on('error', () => undefined);
  client.write('GET\n');
  while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));

  // The backend leaves the endpoints while the request is in flight.
  listener.balancer.update([], undefined);
  listener.dropGone();
  const answer = nextData(client);
  held[0]!.write('answer\n');
  t.is(await answer, 'answer\n', 'the request in flight got its answer');

  // A new connection finds no backend.
  const other = connect({ host: '127.0.0.1', port });
  other.on('error', () => undefined);
  t.is(await nextData(other), 'closed');

  // After the drain period the old connection is closed.
  t.is(await nextData(client), 'closed');
  t.true(client.destroyed);
});
