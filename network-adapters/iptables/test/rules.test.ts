import test from 'ava';
import type { ServiceTable } from '@corral/core';
import { renderRules, restorePlan } from '../src/index.js';

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

test('a change rewrites only the chains it touches; a vanished chain is flushed and deleted', (t) => {
  const many = (n: number, changed?: number): ServiceTable => ({
    services: Array.from({ length: n }, (_, i) => ({
      namespace: 'default',
      name: `s${i}`,
      clusterIP: `10.96.1.${i + 1}`,
      sessionAffinity: 'None' as const,
      ports: [{ protocol: 'TCP' as const, port: 80, backends: [{ ip: `10.244.1.${i + 1}`, port: i === changed ? 9090 : 8080, ready: true }] }],
    })),
  });
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
