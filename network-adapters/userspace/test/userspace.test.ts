import test from 'ava';
import { execFileSync } from 'node:child_process';
import type { ServiceTable } from '@corral/core';
import { UserspaceProxy, userspaceOptions } from '../src/index.js';
import { ask, askOnce, tcpBackend, testInterface, testServiceIP, udpAsk, udpEcho } from './helpers.js';

// The data path on its own, with tables written by hand: ClusterIPs on a dummy interface the
// test names (root is needed to create it), backends on loopback.

function linkExists(name: string): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function table(clusterIP: string, port: number, backends: { port: number; ready?: boolean }[], extra: Partial<ServiceTable['services'][number]> = {}, nodePort?: number): ServiceTable {
  return {
    services: [
      {
        namespace: 'default',
        name: 'web',
        clusterIP,
        sessionAffinity: 'None',
        ...extra,
        ports: [{ protocol: 'TCP', port, ...(nodePort ? { nodePort } : {}), backends: backends.map((b) => ({ ip: '127.0.0.1', port: b.port, ready: b.ready ?? true })) }],
      },
    ],
  };
}

function proxy(link: string) {
  return new UserspaceProxy({ ...userspaceOptions({ serviceInterface: link, nodePortAddresses: ['127.0.0.1'], connectTimeoutMs: 500 }), onError: () => undefined });
}

test('TCP: round robin on the ClusterIP over ready backends; a NodePort on the node address; close removes the interface', async (t) => {
  const link = testInterface();
  const ip = testServiceIP();
  const [a, b, c] = await Promise.all([tcpBackend('a'), tcpBackend('b'), tcpBackend('c')]);
  const p = proxy(link);
  t.teardown(async () => {
    await p.close();
    await Promise.all([a, b, c].map((x) => x.close()));
  });
  await p.sync(table(ip, 8080, [{ port: a.port }, { port: b.port }, { port: c.port, ready: false }], {}, 31080));
  t.true(linkExists(link));
  const answers = [];
  for (let i = 0; i < 6; i++) answers.push(await askOnce(ip, 8080));
  t.deepEqual(answers.sort(), ['a', 'a', 'a', 'b', 'b', 'b'], 'not-ready c gets nothing');
  t.regex(await askOnce('127.0.0.1', 31080), /^[ab]$/);

  // Backends swap in place: the listener stays, c takes over.
  await p.sync(table(ip, 8080, [{ port: c.port }]));
  t.is(await askOnce(ip, 8080), 'c');
  await t.throwsAsync(askOnce('127.0.0.1', 31080), undefined, 'the NodePort is gone');

  await p.close();
  t.false(linkExists(link));
});

test('TCP: a failed connect goes to the next backend; a removed backend loses its open connections', async (t) => {
  const link = testInterface();
  const ip = testServiceIP();
  const live = await tcpBackend('live');
  const dead = await tcpBackend('dead');
  const deadPort = dead.port;
  await dead.close();
  const p = proxy(link);
  t.teardown(async () => {
    await p.close();
    await live.close();
  });
  await p.sync(table(ip, 9090, [{ port: deadPort }, { port: live.port }]));
  for (let i = 0; i < 4; i++) t.is(await askOnce(ip, 9090), 'live');

  const other = await tcpBackend('other');
  t.teardown(() => other.close());
  await p.sync(table(ip, 9090, [{ port: live.port }, { port: other.port }]));
  const held = await ask(ip, 9090);
  const closed = new Promise<void>((r) => held.socket.once('close', () => r()));
  const keep = held.line === 'live' ? other : live;
  await p.sync(table(ip, 9090, [{ port: keep.port }]));
  await closed;
  t.true(held.socket.destroyed, 'the connection to the removed backend was closed');
  t.is(await askOnce(ip, 9090), keep.name);
});

test('ClientIP affinity keeps a client on one backend', async (t) => {
  const link = testInterface();
  const ip = testServiceIP();
  const [a, b] = await Promise.all([tcpBackend('a'), tcpBackend('b')]);
  const p = proxy(link);
  t.teardown(async () => {
    await p.close();
    await Promise.all([a.close(), b.close()]);
  });
  await p.sync(table(ip, 7070, [{ port: a.port }, { port: b.port }], { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 60 }));
  const first = await askOnce(ip, 7070);
  for (let i = 0; i < 5; i++) t.is(await askOnce(ip, 7070), first);
});

test('UDP: datagrams reach a backend and replies come back from the service address', async (t) => {
  const link = testInterface();
  const ip = testServiceIP();
  const echo = await udpEcho('e1');
  const p = proxy(link);
  t.teardown(async () => {
    await p.close();
    await echo.close();
  });
  await p.sync({
    services: [{ namespace: 'default', name: 'dns', clusterIP: ip, sessionAffinity: 'None', ports: [{ protocol: 'UDP', port: 5353, backends: [{ ip: '127.0.0.1', port: echo.port, ready: true }] }] }],
  });
  t.is(await udpAsk(ip, 5353, 'hello'), 'e1:hello');
  t.is(await udpAsk(ip, 5353, 'again'), 'e1:again');
});

test('a port that cannot be bound is reported, and the rest still forwards', async (t) => {
  const link = testInterface();
  const ip = testServiceIP();
  const a = await tcpBackend('a');
  const p = proxy(link);
  // A second proxy that manages no interface and wants a NodePort on the address and port p holds.
  const p2 = new UserspaceProxy({ ...userspaceOptions({ serviceInterface: '', nodePortAddresses: [ip] }), onError: () => undefined });
  t.teardown(async () => {
    await p2.close();
    await p.close();
    await a.close();
  });
  await p.sync(table(ip, 6060, [{ port: a.port }]));
  const err = await t.throwsAsync(
    p2.sync({
      services: [
        { namespace: 'default', name: 'broken', sessionAffinity: 'None', ports: [{ protocol: 'TCP', port: 6061, nodePort: 6060, backends: [] }] },
        { namespace: 'default', name: 'fine', sessionAffinity: 'None', ports: [{ protocol: 'TCP', port: 6062, nodePort: 6063, backends: [{ ip: '127.0.0.1', port: a.port, ready: true }] }] },
      ],
    }),
  );
  t.regex(err!.message, /default\/broken port 6060\/TCP on .*EADDRINUSE/);
  t.is(await askOnce(ip, 6060), 'a');
  t.is(await askOnce(ip, 6063), 'a', 'the other port of the same sync forwards');
});
