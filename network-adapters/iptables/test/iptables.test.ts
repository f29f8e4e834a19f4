import test from 'ava';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { tableChanges, type ServiceTable } from '@corral/core';
import { IptablesProxy } from '../src/index.js';

// Real rules (root): a network namespace of the test's own holds the backends behind a veth
// pair; the test's fake service range is routed into that pair, so nothing leaves the machine
// even when no rule matches.

const run = promisify(execFile);
const sh = (cmd: string) => run('sh', ['-c', cmd]);

interface Lab {
  ns: string;
  backendIP: string;
  serviceIP: (n: number) => string;
  prefix: string;
}

async function lab(t: { teardown(fn: () => Promise<void> | void): void }): Promise<Lab> {
  const r = randomInt(1, 250);
  const id = randomInt(1000, 10000);
  const ns = `crlt-ipt-${id}`;
  const host = `crlti${id}`;
  await sh(`ip netns add ${ns} && ip link add ${host} type veth peer name eth0 netns ${ns} && ip addr add 10.217.${r}.1/30 dev ${host} && ip link set ${host} up`);
  await sh(`ip -n ${ns} addr add 10.217.${r}.2/30 dev eth0 && ip -n ${ns} link set eth0 up && ip -n ${ns} link set lo up`);
  await sh(`ip route add 198.18.${r}.0/24 via 10.217.${r}.2`);
  const servers: ChildProcess[] = [];
  for (const [port, name] of [
    [8001, 'b1'],
    [8002, 'b2'],
  ] as const) {
    servers.push(spawn('ip', ['netns', 'exec', ns, 'busybox', 'nc', '-ll', '-p', String(port), '-e', 'echo', name], { stdio: 'ignore' }));
  }
  t.teardown(async () => {
    for (const s of servers) s.kill();
    await sh(`ip route del 198.18.${r}.0/24 || true; ip netns del ${ns} || true; ip link del ${host} 2>/dev/null || true`);
  });
  await new Promise((res) => setTimeout(res, 300));
  return { ns, backendIP: `10.217.${r}.2`, serviceIP: (n) => `198.18.${r}.${n}`, prefix: `CT${id}-` };
}

function askOnce(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    let buf = '';
    s.setTimeout(3000, () => s.destroy(new Error('timed out')));
    s.on('data', (d) => (buf += d.toString()));
    s.on('end', () => resolve(buf.trim()));
    s.on('error', reject);
  });
}

function service(lab: Lab, ports: number[], extra: object = {}): ServiceTable {
  return {
    services: [
      {
        namespace: 'default',
        name: 'web',
        clusterIP: lab.serviceIP(10),
        sessionAffinity: 'None',
        ...extra,
        ports: [{ protocol: 'TCP', port: 80, backends: ports.map((port) => ({ ip: lab.backendIP, port, ready: true })) }],
      },
    ],
  };
}

async function ourChains(prefix: string): Promise<string[]> {
  const saved = (await run('iptables-save')).stdout;
  return saved.split('\n').filter((l) => l.includes(prefix));
}

test('DNAT to the endpoints, random over both; ClientIP affinity sticks; no endpoints: refused at once; close removes everything', async (t) => {
  const l = await lab(t);
  const proxy = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000 });
  t.teardown(() => proxy.close());

  await proxy.sync(service(l, [8001, 8002]));
  const seen = new Set<string>();
  for (let i = 0; i < 20 && seen.size < 2; i++) seen.add(await askOnce(l.serviceIP(10), 80));
  t.deepEqual([...seen].sort(), ['b1', 'b2']);

  await proxy.sync(service(l, [8001, 8002], { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 60 }));
  const first = await askOnce(l.serviceIP(10), 80);
  for (let i = 0; i < 6; i++) t.is(await askOnce(l.serviceIP(10), 80), first);

  await proxy.sync(service(l, []));
  const err = await t.throwsAsync(askOnce(l.serviceIP(10), 80));
  t.regex(err!.message, /ECONNREFUSED/);

  await proxy.close();
  t.deepEqual(await ourChains(l.prefix), []);
});

test('an update writes only what changed; a new proxy instance cleans up an old one\'s leftovers', async (t) => {
  const l = await lab(t);
  const proxy = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000 });
  t.teardown(() => proxy.close());
  await proxy.sync(service(l, [8001]));
  t.is(await askOnce(l.serviceIP(10), 80), 'b1');
  await proxy.sync(service(l, [8002]));
  t.is(proxy.lastPlan!.written, 2, 'the service chain and the new endpoint chain');
  t.is(proxy.lastPlan!.deleted, 1);
  t.is(await askOnce(l.serviceIP(10), 80), 'b2');

  // A restarted agent: its first sync is a full one and removes chains it no longer wants.
  const again = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000 });
  await again.sync({ services: [] });
  const left = (await ourChains(l.prefix)).filter((line) => /SVC-|SEP-/.test(line));
  t.deepEqual(left, []);
  await again.close();
});

test('the filter jumps take new connections only; an earlier version\'s unconditional jump is replaced, and close removes both', async (t) => {
  const l = await lab(t);
  const reject = `${l.prefix}REJECT`;
  const legacy = ['-m', 'comment', '--comment', 'corral service portals', '-j', reject];
  // What an earlier agent left: an unconditional jump (and its chain) in filter OUTPUT.
  await run('iptables', ['-w', '-N', reject]);
  await run('iptables', ['-w', '-I', 'OUTPUT', '1', ...legacy]);
  const proxy = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000 });
  t.teardown(async () => {
    await proxy.close();
    await run('iptables', ['-w', '-D', 'OUTPUT', ...legacy]).catch(() => undefined);
  });
  await proxy.sync(service(l, [8001]));
  const jumps = async () => (await run('iptables', ['-w', '-S', 'OUTPUT'])).stdout.split('\n').filter((line) => line.includes(`-j ${reject}`));
  t.deepEqual(await jumps(), [`-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "corral service portals" -j ${reject}`]);
  t.is(await askOnce(l.serviceIP(10), 80), 'b1');

  await run('iptables', ['-w', '-I', 'OUTPUT', '1', ...legacy]);
  await proxy.close();
  t.deepEqual(await jumps(), []);
  t.deepEqual(await ourChains(l.prefix), []);
});

test('a change larger than one restore input goes in parts and still lands whole; chains that went away are deleted', async (t) => {
  const l = await lab(t);
  const proxy = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000, maxChainsPerPart: 4 });
  t.teardown(() => proxy.close());
  const services = (n: number, port: number): ServiceTable => ({
    services: Array.from({ length: n }, (_, i) => ({
      namespace: 'default',
      name: `web${i}`,
      clusterIP: l.serviceIP(20 + i),
      sessionAffinity: 'None' as const,
      ports: [{ protocol: 'TCP' as const, port: 80, backends: [{ ip: l.backendIP, port, ready: true }] }],
    })),
  });
  await proxy.sync(services(8, 8001));
  t.true(proxy.lastPlan!.parts.length > 3);
  for (let i = 0; i < 8; i++) t.is(await askOnce(l.serviceIP(20 + i), 80), 'b1');

  await proxy.sync(services(3, 8002));
  t.is(proxy.lastPlan!.deleted, 8 * 2 - 3);
  for (let i = 0; i < 3; i++) t.is(await askOnce(l.serviceIP(20 + i), 80), 'b2');
  const left = (await ourChains(l.prefix)).filter((line) => line.startsWith(':') && /SVC-|SEP-/.test(line));
  t.is(left.length, 3 * 2);
  // close goes in parts too: every chain flushed before any is deleted.
  await proxy.sync(services(8, 8001));
  await proxy.close();
  t.deepEqual(await ourChains(l.prefix), []);
});

test('with the proxy\'s changes, a change of one Service rewrites only its chains in the kernel; a removed Service\'s chains go', async (t) => {
  const l = await lab(t);
  const proxy = new IptablesProxy({ prefix: l.prefix, fullSyncIntervalMs: 60_000 });
  t.teardown(() => proxy.close());
  const services = (ports: number[]): ServiceTable => ({
    services: ports.map((port, i) => ({
      namespace: 'default',
      name: `web${i}`,
      clusterIP: l.serviceIP(40 + i),
      sessionAffinity: 'None' as const,
      ports: [{ protocol: 'TCP' as const, port: 80, backends: [{ ip: l.backendIP, port, ready: true }] }],
    })),
  });
  const t0 = services([8001, 8001, 8001]);
  await proxy.sync(t0, tableChanges(undefined, t0));
  const before = await ourChains(l.prefix);
  const t1: ServiceTable = { services: [t0.services[0]!, services([8001, 8002, 8001]).services[1]!, t0.services[2]!] };
  await proxy.sync(t1, tableChanges(t0, t1));
  t.deepEqual([proxy.lastPlan!.written, proxy.lastPlan!.deleted], [2, 1], "web1's service chain and its new endpoint chain; its old endpoint chain goes");
  t.notRegex(proxy.lastPlan!.text, /web0|web2/);
  t.is(await askOnce(l.serviceIP(41), 80), 'b2');
  t.is(await askOnce(l.serviceIP(40), 80), 'b1');
  const after = await ourChains(l.prefix);
  const others = (lines: string[]) => lines.filter((line) => /default\/web[02]:/.test(line));
  t.deepEqual(others(after), others(before), 'the other Services\' rules are as they were');

  const t2: ServiceTable = { services: [t1.services[0]!, t1.services[1]!] };
  await proxy.sync(t2, tableChanges(t1, t2));
  t.is(proxy.lastPlan!.deleted, 2);
  const left = await ourChains(l.prefix);
  t.deepEqual(left.filter((line) => line.includes('default/web2')), [], "web2's rules are gone");
  t.is(left.filter((line) => line.startsWith(':') && /SVC-|SEP-/.test(line)).length, 4);
  await t.throwsAsync(askOnce(l.serviceIP(42), 80));
});
