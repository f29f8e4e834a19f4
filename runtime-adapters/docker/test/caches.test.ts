// The docker adapter's caches: inspects reused while a container's listed state is unchanged,
// and image presence shared by concurrent askers for a short while.
import test from 'ava';
import type { ContainerInspectInfo } from 'dockerode';
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
  const kindOf = (i: ContainerInspectInfo) => i.Config.Labels?.['dev.corral.kind'] ?? '';
  cache.retainOnly(new Set(['b']), kindOf, 'container');
  t.is(cache.get('a', 'running'), undefined, 'gone from a complete list: forgotten');
  t.is(cache.get('b', 'exited')?.Id, 'b');
  t.is(cache.get('s', 'running')?.Id, 's', 'a list of containers says nothing about sandboxes');
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
