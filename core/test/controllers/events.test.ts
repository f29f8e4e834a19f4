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
