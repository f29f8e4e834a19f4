import test from 'ava';
import { ApiClient, ApiEventRecorder, EVENT_DEDUP_WINDOW_MS, type ApiObject, type Event } from '../../src/index.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';

let api: TestApiServer;
let client: ApiClient;

test.before(async () => {
  api = await startTestApiServer({ backend: 'embedded' });
  client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
});
test.after.always(async () => {
  client?.close();
  await api?.close();
});

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const regarding = (name: string, namespace?: string): ApiObject =>
  ({ apiVersion: 'v1', kind: namespace ? 'ConfigMap' : 'Node', metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-${name}` } }) as ApiObject;
const eventsOf = async (name: string): Promise<Event[]> => (await client.list<Event>('events', { allNamespaces: true, fieldSelector: `involvedObject.name=${name}` })).items;

test('repeats within the window count on one Event; after it, a new Event starts', async (t) => {
  let now = Date.UTC(2026, 0, 1);
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', clock: { now: () => now }, logger: quiet });
  const obj = regarding('ev-1', 'default');
  recorder.event(obj, 'Warning', 'Broken', 'it broke');
  recorder.event(obj, 'Warning', 'Broken', 'it broke');
  now += 60_000;
  recorder.event(obj, 'Warning', 'Broken', 'it broke');
  recorder.event(obj, 'Warning', 'Broken', 'something else');
  await recorder.flush();
  let events = await eventsOf('ev-1');
  const broke = events.find((e) => e.message === 'it broke')!;
  t.is(events.length, 2);
  t.is(broke.count, 3);
  t.is(broke.firstTimestamp, new Date(Date.UTC(2026, 0, 1)).toISOString());
  t.is(broke.lastTimestamp, new Date(now).toISOString());
  t.is(broke.type, 'Warning');
  t.is(broke.source?.component, 'test-controller');
  t.is(broke.involvedObject.uid, 'uid-ev-1');

  now += EVENT_DEDUP_WINDOW_MS + 1;
  recorder.event(obj, 'Warning', 'Broken', 'it broke');
  await recorder.flush();
  events = await eventsOf('ev-1');
  t.is(events.filter((e) => e.message === 'it broke').length, 2);
});

test('events about cluster-scoped objects go to the default namespace', async (t) => {
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', logger: quiet });
  recorder.event(regarding('node-ev-1'), 'Normal', 'Seen', 'seen');
  await recorder.flush();
  const [event] = await eventsOf('node-ev-1');
  t.is(event?.metadata.namespace, 'default');
  t.is(event?.involvedObject.kind, 'Node');
});

test('a recorder whose API is unreachable neither throws nor blocks', async (t) => {
  const warnings: string[] = [];
  const dead = new ApiClient({ server: 'http://127.0.0.1:1', namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const recorder = new ApiEventRecorder({ client: dead, component: 'test-controller', logger: { ...quiet, warn: (m) => void warnings.push(m) }, maxQueued: 5 });
  for (let i = 0; i < 20; i++) t.notThrows(() => recorder.event(regarding(`x-${i}`, 'default'), 'Normal', 'R', `m${i}`));
  await recorder.flush();
  t.true(warnings.some((w) => w.includes('could not write event')));
  t.true(warnings.some((w) => w.includes('dropping events')), 'beyond the queue bound, events are dropped');
  dead.close();
});

test('repeats that wait behind the pacing are folded into one write with their count', async (t) => {
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', logger: quiet, qps: 1, burst: 1 });
  const first = regarding('fold-first', 'default');
  const obj = regarding('fold-1', 'default');
  recorder.event(first, 'Normal', 'Takes', 'the only token');
  for (let i = 0; i < 20; i++) recorder.event(obj, 'Warning', 'Flapping', 'up and down');
  await recorder.flush();
  const [event] = await eventsOf('fold-1');
  t.is(event?.count, 20);
  t.is((await eventsOf('fold-1')).length, 1);
  const stats = recorder.stats();
  t.is(stats.written, 2, 'one write for the first event, one for the twenty repeats');
  t.is(stats.coalesced, 19);
});

test('more than ten different messages with one reason about one object become one combined Event', async (t) => {
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', logger: quiet });
  const obj = regarding('agg-1', 'default');
  for (let i = 0; i < 13; i++) recorder.event(obj, 'Normal', 'SuccessfulCreate', `Created pod: agg-pod-${i}`);
  await recorder.flush();
  const events = await eventsOf('agg-1');
  t.is(events.length, 11);
  const combined = events.filter((e) => e.message?.startsWith('(combined from similar events): '));
  t.is(combined.length, 1);
  t.is(combined[0]!.count, 3);
  t.is(combined[0]!.message, '(combined from similar events): Created pod: agg-pod-12');
});

test('the spam filter lets 25 events about one object through, then drops and counts the rest', async (t) => {
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', logger: quiet });
  const obj = regarding('spam-1', 'default');
  for (let i = 0; i < 30; i++) recorder.event(obj, 'Normal', `Reason${i}`, 'same text');
  await recorder.flush();
  t.is((await eventsOf('spam-1')).length, 25);
  t.is(recorder.stats().filtered, 5);
  // Another object has its own budget.
  recorder.event(regarding('spam-2', 'default'), 'Normal', 'Reason0', 'same text');
  await recorder.flush();
  t.is((await eventsOf('spam-2')).length, 1);
});

test('writes are paced off the caller; at a low rate every event is written, none dropped', async (t) => {
  const recorder = new ApiEventRecorder({ client, component: 'paced-controller', logger: quiet, qps: 2, burst: 2 });
  for (let i = 0; i < 12; i++) recorder.event(regarding(`paced-${i}`, 'default'), 'Normal', 'Scheduled', `assigned paced-${i}`);
  t.is(recorder.stats().written, 0, 'nothing is written on the caller\'s stack');
  await new Promise((r) => setTimeout(r, 300));
  const early = recorder.stats().written;
  t.true(early >= 1 && early < 12, `paced: ${early} written after 300 ms at 2/s with a burst of 2`);
  await recorder.flush();
  for (let i = 0; i < 12; i++) t.is((await eventsOf(`paced-${i}`)).length, 1, `paced-${i}`);
  t.deepEqual(recorder.stats(), { written: 12, coalesced: 0, filtered: 0, dropped: 0, failed: 0 });
});

test('under load, events beyond the queue are dropped, counted and reported once it has room again', async (t) => {
  const warnings: string[] = [];
  const recorder = new ApiEventRecorder({ client, component: 'test-controller', logger: { ...quiet, warn: (m) => void warnings.push(m) }, qps: 1, burst: 1, maxQueued: 4 });
  for (let i = 0; i < 10; i++) recorder.event(regarding(`load-${i}`, 'default'), 'Normal', 'Scheduled', `assigned load-${i}`);
  await recorder.flush();
  t.is(recorder.stats().dropped, 6);
  t.true(warnings.some((w) => w.includes('dropping events')));
  t.true(warnings.some((w) => w.includes('6 events were dropped while the queue was full')), warnings.join('\n'));
  t.is((await eventsOf('load-3')).length, 1);
  t.is((await eventsOf('load-4')).length, 0);
});
