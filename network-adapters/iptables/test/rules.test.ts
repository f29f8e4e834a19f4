import test from 'ava';
import { tableChanges, type ServiceTable } from '@corral/core';
import { RenderCache, renderRules, restorePlan, type Chains } from '../src/index.js';

const table = (backends: number, extra: object = {}): ServiceTable => ({
  services: [
    {
      namespace: 'default',
      name: 'web',
      clusterIP: '10.96.0.10',
      sessionAffinity: 'None',
      ...extra,
      ports: [
        {
          name: 'http',
          protocol: 'TCP',
          port: 80,
          nodePort: 30080,
          backends: Array.from({ length: backends }, (_, i) => ({ ip: `10.244.0.${i + 2}`, port: 8080, ready: true })),
        },
      ],
    },
  ],
});

test('each endpoint is picked with probability 1/remaining, the last without a match', (t) => {
  const { nat } = renderRules(table(3), { prefix: 'CORRAL-' });
  const svc = [...nat.entries()].find(([c]) => c.startsWith('CORRAL-SVC-'))!;
  t.true(svc[0].length <= 28);
  t.regex(svc[1][0]!, /--probability 0\.3333333333 -j CORRAL-SEP-/);
  t.regex(svc[1][1]!, /--probability 0\.5000000000 -j CORRAL-SEP-/);
  t.notRegex(svc[1][2]!, /probability/);
  const dispatch = nat.get('CORRAL-SERVICES')!;
  t.regex(dispatch[0]!, /^-d 10\.96\.0\.10\/32 -p tcp -m tcp --dport 80 .* -j CORRAL-SVC-/);
  t.regex(dispatch.at(-1)!, /--dst-type LOCAL .* -j CORRAL-NODEPORTS/);
  // A NodePort's connections are marked for masquerading, then dispatched.
  t.regex(nat.get('CORRAL-NODEPORTS')![0]!, /--dport 30080 .* -j CORRAL-MARK-MASQ$/);
  t.regex(nat.get('CORRAL-NODEPORTS')![1]!, /--dport 30080 .* -j CORRAL-SVC-/);
  t.deepEqual(nat.get('CORRAL-MARK-MASQ'), ['-j MARK --or-mark 0x4000']);
  t.regex(nat.get('CORRAL-POSTROUTING')!.at(-1)!, /-j MASQUERADE$/);
  const seps = [...nat.entries()].filter(([c]) => c.startsWith('CORRAL-SEP-'));
  t.deepEqual(seps.map(([, r]) => r.at(-1)!.match(/--to-destination (\S+)/)![1]).sort(), ['10.244.0.2:8080', '10.244.0.3:8080', '10.244.0.4:8080']);
});

test('ClientIP affinity: recent checks first, each endpoint records its clients', (t) => {
  const { nat } = renderRules(table(2, { sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 }), { prefix: 'CORRAL-' });
  const svc = [...nat.entries()].find(([c]) => c.startsWith('CORRAL-SVC-'))![1];
  t.regex(svc[0]!, /-m recent --name CORRAL-SEP-\S+ --rcheck --seconds 600 --reap --rsource -j CORRAL-SEP-/);
  const sep = [...nat.entries()].find(([c]) => c.startsWith('CORRAL-SEP-'))![1];
  t.regex(sep[0]!, /-m recent --name CORRAL-SEP-\S+ --set --rsource/);
});

test('no ready endpoint: rejected in filter, nothing in nat but the dispatch chains', (t) => {
  const r = renderRules(table(0), { prefix: 'CORRAL-' });
  t.deepEqual([...r.nat.keys()], ['CORRAL-SERVICES', 'CORRAL-NODEPORTS', 'CORRAL-MARK-MASQ', 'CORRAL-POSTROUTING']);
  const reject = r.filter.get('CORRAL-REJECT')!;
  t.is(reject.length, 2);
  t.regex(reject[0]!, /-d 10\.96\.0\.10\/32 .*--dport 80 .* -j REJECT/);
  t.regex(reject[1]!, /--dst-type LOCAL .*--dport 30080 .* -j REJECT/);
});

const many = (n: number, changed?: number, backends = 1): ServiceTable => ({
  services: Array.from({ length: n }, (_, i) => ({
    namespace: 'default',
    name: `s${i}`,
    clusterIP: `10.96.1.${i + 1}`,
    sessionAffinity: 'None' as const,
    ports: [
      {
        protocol: 'TCP' as const,
        port: 80,
        backends: Array.from({ length: backends }, (_, b) => ({ ip: `10.244.${b + 1}.${i + 1}`, port: i === changed ? 9090 : 8080, ready: true })),
      },
    ],
  })),
});

test('a change rewrites only the chains it touches; a vanished chain is flushed and deleted', (t) => {
  const before = renderRules(many(100), { prefix: 'CORRAL-' });
  const first = restorePlan(before, undefined);
  // 100 services and 100 endpoints, the dispatch chains, the mark, postrouting, reject and forward.
  t.is(first.written, 202 + 4, 'every chain the first time');
  const after = renderRules(many(100, 7), { prefix: 'CORRAL-' });
  const plan = restorePlan(after, before);
  // s7's service chain now jumps to a new endpoint chain; the old endpoint chain goes.
  t.is(plan.written, 2);
  t.is(plan.deleted, 1);
  t.regex(plan.text, /^-X CORRAL-SEP-/m);
  t.notRegex(plan.text, /CORRAL-SERVICES/, 'the dispatch chain is unchanged');
  t.is(restorePlan(after, after).text, '', 'nothing to do for the same table');
});

/** Replays restore parts against a model of the kernel; fails where iptables-restore would. */
function apply(kernel: Map<string, string[]>, part: string): void {
  let table = '';
  for (const line of part.trim().split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    else if (line.startsWith(':')) kernel.set(`${table} ${line.slice(1).split(' ')[0]}`, []);
    else if (line.startsWith('-A ')) {
      const [, chain, ...rest] = line.split(' ');
      const target = / -[jg] (\S+)/.exec(` ${rest.join(' ')}`)?.[1];
      if (target?.startsWith('CORRAL-') && !kernel.has(`${table} ${target}`)) throw new Error(`${chain} jumps to ${target}, which does not exist yet`);
      kernel.get(`${table} ${chain}`)!.push(rest.join(' '));
    } else if (line.startsWith('-X ')) {
      const chain = line.slice(3);
      for (const [name, rules] of kernel) {
        if (name.startsWith(`${table} `) && rules.some((r) => r.endsWith(`-j ${chain}`))) throw new Error(`${chain} is deleted while ${name} still jumps to it`);
      }
      kernel.delete(`${table} ${chain}`);
    }
  }
}

const sorted = (kernel: Map<string, string[]>) => [...kernel].sort(([a], [b]) => (a < b ? -1 : 1));
const asKernel = (r: Record<'nat' | 'filter', Chains>) => sorted(new Map((['nat', 'filter'] as const).flatMap((t) => [...r[t]].map(([c, rules]) => [`${t} ${c}`, [...rules]] as [string, string[]]))));

test('a large change goes in parts, leaves first, so every jump resolves after each; chains that went away go last', (t) => {
  const first = renderRules(many(40, undefined, 2), { prefix: 'CORRAL-' });
  const whole = restorePlan(first, undefined, undefined, 10_000);
  t.is(whole.parts.length, 1, 'a change that fits is one input: both tables at once');
  const plan = restorePlan(first, undefined, undefined, 10);
  t.is(plan.written, 120 + 6);
  t.true(plan.parts.length >= 13);
  const kernel = new Map<string, string[]>();
  for (const part of plan.parts) apply(kernel, part);
  t.deepEqual(sorted(kernel), asKernel(first));

  // Half the Services go, the others move to new endpoints: new chains, and 60 to delete.
  const second = renderRules({ services: many(40, undefined, 2).services.slice(20).map((s) => ({ ...s, ports: s.ports.map((p) => ({ ...p, backends: p.backends.map((b) => ({ ...b, port: 7070 })) })) })) }, { prefix: 'CORRAL-' });
  const change = restorePlan(second, first, undefined, 10);
  t.is(change.deleted, 20 * 3 + 20 * 2);
  for (const part of change.parts) apply(kernel, part);
  t.deepEqual(sorted(kernel), asKernel(second));
});

test('the render cache renders only what changed and gives the same rules as a fresh render', (t) => {
  const cache = new RenderCache();
  const opts = { prefix: 'CORRAL-' };
  const fresh = (table: ServiceTable) => renderRules(table, opts);
  const inOrder = (r: Record<'nat' | 'filter', Chains>) => (['nat', 'filter'] as const).map((table) => [...r[table]].sort(([a], [b]) => (a < b ? -1 : 1)));
  const a = renderRules(many(50, undefined, 2), opts, cache);
  t.deepEqual(inOrder(a), inOrder(fresh(many(50, undefined, 2))));
  t.is(renderRules(many(50, undefined, 2), opts, cache), a, 'nothing changed: the last result');
  const b = renderRules(many(50, 7, 2), opts, cache);
  t.deepEqual(inOrder(b), inOrder(fresh(many(50, 7, 2))));
  t.is(b.nat.get('CORRAL-SERVICES'), a.nat.get('CORRAL-SERVICES'), 'new endpoints leave the dispatch chain as it was');
  const unchanged = [...a.nat].filter(([c, rules]) => b.nat.get(c) === rules).length;
  t.is(unchanged, 49 * 3 + 4, "every chain but s7's own is the very same array");
  t.is(restorePlan(b, a).written, 3);
  t.is(restorePlan(b, a).deleted, 2);
  // Services added and removed: the dispatch chain is rebuilt, and a Service that went away
  // and came back is rendered again, not served from a stale entry.
  t.deepEqual(inOrder(renderRules(many(5), opts, cache)), inOrder(fresh(many(5))));
  t.deepEqual(inOrder(renderRules(many(50, 7, 2), opts, cache)), inOrder(b));
  const noEndpoints: ServiceTable = { services: many(50, 7, 2).services.map((s, i) => (i === 3 ? { ...s, ports: [{ ...s.ports[0]!, backends: [] }] } : s)) };
  t.deepEqual(inOrder(renderRules(noEndpoints, opts, cache)), inOrder(fresh(noEndpoints)), 'a Service that lost its endpoints moves to the rejects');
});

test('with the proxy\'s changes: one Service changed is the only one rendered and compared; a removed Service\'s chains go', (t) => {
  const cache = new RenderCache();
  const opts = { prefix: 'CORRAL-' };
  const inOrder = (r: Record<'nat' | 'filter', Chains>) => (['nat', 'filter'] as const).map((table) => [...r[table]].sort(([a], [b]) => (a < b ? -1 : 1)));
  const t0 = many(50, undefined, 2);
  const a = renderRules(t0, opts, cache, tableChanges(undefined, t0));
  // s7 changes; s9 changes too but the changes do not say so: it must not be looked at.
  const t1: ServiceTable = { services: t0.services.map((s, i) => (i === 7 ? many(50, 7, 2).services[7]! : i === 9 ? many(50, 9, 2).services[9]! : s)) };
  const told = { services: new Set(['default/s7']) };
  const b = renderRules(t1, opts, cache, told);
  t.deepEqual(names(b.touched!.nat), names(new Set([...a.nat.keys(), ...b.nat.keys()].filter((c) => a.nat.get(c) !== b.nat.get(c)))), 'touched: exactly the chains that differ');
  t.is(b.touched!.nat.size, 3 + 2, "s7's service chain and its old and new endpoint chains");
  t.is(b.touched!.filter.size, 0);
  const plan = restorePlan(b, a, undefined, undefined, b.touched);
  t.deepEqual([plan.written, plan.deleted], [3, 2]);
  t.deepEqual(plan.text, restorePlan(b, a).text, 'the same plan as comparing every chain');
  t.notRegex(plan.text, /10\.244\.\d+\.10:/, 's9 is not rewritten');

  // s3 goes away: its chains go, and the dispatch chain is rebuilt without it.
  const t2: ServiceTable = { services: t1.services.filter((_, i) => i !== 3) };
  const c = renderRules(t2, opts, cache, tableChanges(t1, t2));
  const gone = restorePlan(c, b, undefined, undefined, c.touched);
  t.is(gone.deleted, 3, 'its service chain and its two endpoint chains');
  t.is(gone.written, 1, 'the dispatch chain');
  t.regex(gone.text, /^:CORRAL-SERVICES /m);
  // The changes are trusted: s9, changed without being named, still has the rules it had.
  t.deepEqual(inOrder(c), inOrder(renderRules({ services: t2.services.map((s) => (s.name === 's9' ? t0.services[9]! : s)) }, opts)), 'the same rules as a fresh render');
  t.is(renderRules(t2, opts, cache, tableChanges(t2, t2)), c, 'no changes: the last result');
});

const names = (xs: Iterable<string>) => [...xs].sort();
