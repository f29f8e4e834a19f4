import test from 'ava';
import { ApiClient, startScheduler, type ApiScheduler } from '../../src/index.js';
import { startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { createAll, getPod, newPods, until } from './helpers.js';

// Short enough to take over quickly (a stopping leader releases the lease), long enough that a
// loaded machine does not make the leader miss its renew deadline mid-test.
const FAST = { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 100 };
let cp: TestControlPlane;

test.before(async () => {
  cp = await startTestControlPlane({ controllers: false, scheduler: false, hollow: { nodes: 2, leases: false } });
});
test.after.always(async () => {
  await cp?.stop();
});

test('two schedulers: only the leader binds; when it stops, the other takes over', async (t) => {
  const clients = [0, 1].map(() => new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] }));
  const [a, b] = (await Promise.all(
    clients.map((client, i) => startScheduler({ corral: cp.corral, client, identity: `sched-${i}`, leaderElection: FAST })),
  )) as [ApiScheduler, ApiScheduler];
  try {
    await until('a leader', () => a.leading || b.leading);
    const [leader, standby] = a.leading ? [a, b] : [b, a];
    await createAll(cp.client, newPods(3, { prefix: 'first-' }));
    await until('first pods bound', async () => (await Promise.all([0, 1, 2].map((i) => getPod(cp.client, `first-${i}`)))).every((p) => p.spec.nodeName));
    await until('the leader counts three bindings', () => leader.scheduler!.stats().bound === 3);
    t.is(leader.scheduler!.stats().bound, 3);
    t.false(standby.leading);
    t.is(standby.scheduler, undefined, 'a standby keeps no scheduler');

    await leader.stop();
    await until('the standby leads', () => standby.leading);
    await createAll(cp.client, newPods(2, { prefix: 'second-' }));
    await until('second pods bound', async () => (await Promise.all([0, 1].map((i) => getPod(cp.client, `second-${i}`)))).every((p) => p.spec.nodeName));
    await until('the new leader counts two bindings', () => standby.scheduler!.stats().bound === 2);
    t.is(standby.scheduler!.stats().bound, 2);
  } finally {
    await a.stop();
    await b.stop();
    for (const c of clients) c.close();
  }
});
