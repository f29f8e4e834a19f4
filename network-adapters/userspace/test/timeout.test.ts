// A backend whose connect never completes (its SYNs vanish) costs a connection one connect
// timeout, then the next backend is tried; when every backend hangs, the client is closed.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { TcpListener } from '../src/TcpListener.js';
import { ask, tcpBackend, testInterface } from './helpers.js';

/** An address whose packets go into a bridge of the test's own with no ports, where they are dropped. */
function blackHole(t: { teardown(fn: () => void): void }): string {
  const link = testInterface();
  const address = `198.18.${randomInt(1, 255)}.${randomInt(1, 255)}`;
  execFileSync('ip', ['link', 'add', link, 'type', 'bridge']);
  t.teardown(() => execFileSync('ip', ['link', 'del', link]));
  execFileSync('ip', ['link', 'set', link, 'up']);
  execFileSync('ip', ['route', 'add', `${address}/32`, 'dev', link]);
  // A fixed neighbour, so that no ARP failure ends the connect early with an error.
  execFileSync('ip', ['neigh', 'add', address, 'lladdr', '02:00:00:00:00:01', 'dev', link, 'nud', 'permanent']);
  return address;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('a connect that hangs times out and the next backend answers; with every backend hanging the client is closed', async (t) => {
  const hole = blackHole(t);
  const live = await tcpBackend('live');
  const listener = new TcpListener('127.0.0.1', await freePort(), { connectTimeoutMs: 300, maxAttempts: 3, onError: () => undefined });
  await listener.listen();
  t.teardown(async () => {
    await listener.close();
    await live.close();
  });

  listener.balancer.update([{ ip: hole, port: 80, ready: true }, { ip: '127.0.0.1', port: live.port, ready: true }], undefined);
  const started = performance.now();
  // Round robin starts at the hanging backend for the first connection.
  const first = await ask('127.0.0.1', listener.port);
  first.socket.destroy();
  t.is(first.line, 'live');
  t.true(performance.now() - started >= 250, 'the hanging connect was waited for, not refused');

  listener.balancer.update([{ ip: hole, port: 80, ready: true }, { ip: hole, port: 81, ready: true }], undefined);
  const error = await t.throwsAsync(ask('127.0.0.1', listener.port));
  t.regex(error!.message, /closed before a line/);
});
