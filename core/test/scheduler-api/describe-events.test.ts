// The scheduler's Events go through a paced, coalescing sink; at a low rate none may be lost:
// `corral describe pod` still shows every pod's Scheduled event, as kubectl users expect.
import test from 'ava';
import type { Pod } from '../../src/index.js';
import { startTestControlPlane } from '../../src/testing/index.js';
import { cliFor } from '../cli/helpers.js';
import { createAll, eventsAbout, newPods, until } from './helpers.js';

test('describe pod lists the Scheduled event of every pod of a small batch', async (t) => {
  const cp = await startTestControlPlane({ controllers: false, hollow: { nodes: 2, leases: false, runPods: false } });
  const cli = cliFor(cp.url);
  t.teardown(async () => {
    cli.close();
    await cp.stop();
  });
  await createAll(cp.client, newPods(20, { prefix: 'desc-', cpu: '100m', memory: '64Mi' }));
  const pods = await until('twenty bound pods', async () => {
    const list = await cp.client.list<Pod>('pods', { namespace: 'default' });
    return list.items.length === 20 && list.items.every((p) => p.spec.nodeName) ? list.items : undefined;
  });
  for (const pod of pods) {
    const name = pod.metadata.name!;
    await until(`the Scheduled event of ${name}`, async () => (await eventsAbout(cp.client, name)).find((e) => e.reason === 'Scheduled'));
    const r = await cli.run(['describe', 'pod', name, '-n', 'default']);
    t.is(r.code, 0, r.err);
    t.regex(r.out, new RegExp(`\\n {2}Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${name} to ${pod.spec.nodeName}\\n`));
  }
  t.deepEqual(cp.scheduler!.eventStats(), { written: 20, coalesced: 0, filtered: 0, dropped: 0, failed: 0 });
});
