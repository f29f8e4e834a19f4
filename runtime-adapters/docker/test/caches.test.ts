// The docker adapter's caches: inspects reused while a container's listed state is unchanged,
// image presence shared by concurrent askers for a short while, and one list for many askers.
import test from 'ava';
import type { ContainerInspectInfo } from 'dockerode';
import { FreshLists } from '../src/freshLists.js';
import { ImagePresence } from '../src/imageCache.js';
import { InspectCache } from '../src/inspectCache.js';

function info(id: string, status: string, kind = 'container'): ContainerInspectInfo {
  return { Id: id, State: { Status: status }, Config: { Labels: { 'dev.corral.kind': kind } } } as unknown as ContainerInspectInfo;
}

test('an inspect is reused only while the list shows the state it was taken in', (t) => {
  const cache = new InspectCache();
  cache.put(info('a', 'running'));
  t.is(cache.get('a', 'running')?.Id, 'a');
  t.is(cache.get('a', 'exited'), undefined, 'a state change means a new inspect');
  t.is(cache.get('b', 'running'), undefined);
  cache.put(info('b', 'exited'));
  cache.put(info('s', 'running', 'sandbox'));
  cache.retainOnly(new Set(['b', 's']));
  t.is(cache.get('a', 'running'), undefined, 'gone from a complete list: forgotten');
  t.is(cache.get('b', 'exited')?.Id, 'b');
  t.is(cache.get('s', 'running')?.Id, 's');
  cache.drop('b');
  t.is(cache.get('b', 'exited'), undefined);
});

test('image presence: concurrent askers share one inspect; absence is never remembered', async (t) => {
  const presence = new ImagePresence(60_000);
  let inspects = 0;
  let present = true;
  const inspect = async () => {
    inspects++;
    await new Promise((r) => setTimeout(r, 20));
    return present ? { ref: 'sha256:1' } : undefined;
  };
  const answers = await Promise.all(Array.from({ length: 10 }, () => presence.status('busybox', inspect)));
  t.is(inspects, 1);
  t.true(answers.every((a) => a?.ref === 'sha256:1'));
  await presence.status('busybox', inspect);
  t.is(inspects, 1, 'fresh: not asked again');
  presence.forget('busybox');
  present = false;
  t.is(await presence.status('busybox', inspect), undefined);
  t.is(await presence.status('busybox', inspect), undefined);
  t.is(inspects, 3, 'a missing image is asked about every time');
});

test('a shared list: askers during a list get the next one, started after they asked', async (t) => {
  let calls = 0;
  const releases: (() => void)[] = [];
  const fetch = async () => {
    const n = ++calls;
    await new Promise<void>((r) => releases.push(r));
    return n;
  };
  const lists = new FreshLists<number>();
  const first = lists.get('pod-a', fetch);
  // Asked while the first list runs: they may have changed something it already read.
  const later = [lists.get('pod-a', fetch), lists.get('pod-a', fetch), lists.get('pod-a', fetch)];
  t.is(calls, 1, 'the next list waits for the one under way');
  releases.shift()!();
  t.is(await first, 1);
  await new Promise((r) => setImmediate(r));
  t.is(calls, 2, 'one more list for all three');
  releases.shift()!();
  t.deepEqual(await Promise.all(later), [2, 2, 2]);
  const alone = lists.get('pod-a', fetch);
  const other = lists.get('pod-b', fetch);
  t.is(calls, 4, 'with none under way, a list starts at once; another filter is another list');
  releases.shift()!();
  releases.shift()!();
  t.deepEqual(await Promise.all([alone, other]), [3, 4]);
});

test('a shared list that fails fails its askers, and the next ask lists again', async (t) => {
  let calls = 0;
  const fetch = async () => {
    calls++;
    await new Promise((r) => setTimeout(r, 10));
    if (calls === 1) throw new Error('daemon away');
    return calls;
  };
  const lists = new FreshLists<number>();
  const first = lists.get('all', fetch);
  const second = lists.get('all', fetch);
  await t.throwsAsync(first, { message: 'daemon away' });
  t.is(await second, 2);
  t.is(await lists.get('all', fetch), 3);
});
