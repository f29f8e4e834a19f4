// Watches in protobuf, read with the tests' own frame reader: every event type (the 410 ERROR
// too) arrives as a length-prefixed WatchEvent holding a whole protobuf object; metadata-only
// watches send PartialObjectMetadata; Tables are refused as Kubernetes refuses them; a change's
// frame is encoded once for all the watches that send it alike.
import test from 'ava';
import { decodeProtobufObject, ProtobufEventEncoder } from '../../../src/server/protobuf/index.js';
import { SharedLines } from '../../../src/server/watch/sharedLines.js';
import { configMap, deployment, useServer } from '../helpers.js';
import { decodeWatchEvent, FrameStream, fieldsOf, type RawEvent } from './frames.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const STREAM = `${PROTOBUF};stream=watch`;
const METADATA_PROTOBUF = `${PROTOBUF};as=PartialObjectMetadata;g=meta.k8s.io;v=v1`;

const fx = useServer(test, { backend: 'embedded', server: { bookmarkIntervalMs: 300 } });

const watch = (path: string, accept = STREAM): FrameStream => new FrameStream(fx().server.url + path, accept);
const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/** ObjectMeta's name (1) and resourceVersion (6), read by hand from an object's message (metadata is field 1). */
function nameAndVersion(event: RawEvent): string {
  const meta = fieldsOf(fieldsOf(event.message).find(([n]) => n === 1)![1] as Buffer);
  const text = (n: number) => (meta.find(([f]) => f === n)?.[1] as Buffer | undefined)?.toString('utf8') ?? '';
  return `${text(1)}@${text(6)}`;
}

test('a protobuf watch: ADDED, MODIFIED, DELETED and BOOKMARK frames, each a whole protobuf object', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const rv = (await api.get(cms(ns))).body.metadata.resourceVersion;
  const stream = watch(`${cms(ns)}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`);
  t.teardown(() => stream.close());
  t.is(await stream.opened, 200);
  t.is(stream.contentType, STREAM);

  const made = (await api.post(cms(ns), configMap('pb', { a: '1' }, { tier: 'web' }))).body;
  const changed = (await api.patch(`${cms(ns)}/pb`, { data: { a: '2' } })).body;
  const gone = await api.delete(`${cms(ns)}/pb`);
  t.is(gone.status, 200, gone.text);

  const changes = await stream.waitForSome(3, (e) => e.type !== 'BOOKMARK');
  t.deepEqual(changes.map((e) => `${e.type} ${e.apiVersion} ${e.kind} ${nameAndVersion(e)}`).slice(0, 2), [
    `ADDED v1 ConfigMap pb@${made.metadata.resourceVersion}`,
    `MODIFIED v1 ConfigMap pb@${changed.metadata.resourceVersion}`,
  ]);
  // Other tests commit meanwhile: the deletion's version is later than the change's, whatever it is.
  t.regex(`${changes[2]!.type} ${nameAndVersion(changes[2]!)}`, /^DELETED pb@\d+$/);
  t.true(Number(nameAndVersion(changes[2]!).split('@')[1]) > Number(changed.metadata.resourceVersion));
  // The embedded bodies are what a protobuf GET answers: the same object JSON carries.
  t.deepEqual(decodeProtobufObject(changes[1]!.raw), changed);
  t.deepEqual((decodeProtobufObject(changes[0]!.raw) as any).data, { a: '1' });

  // Bookmarks come every 300 ms: the kind, with only the version watched up to.
  const [mark] = await stream.waitForSome(1, (e) => e.type === 'BOOKMARK');
  t.is(mark!.kind, 'ConfigMap');
  const marked = decodeProtobufObject(mark!.raw) as any;
  t.deepEqual(Object.keys(marked.metadata), ['resourceVersion']);
  t.regex(nameAndVersion(mark!), /^@\d+$/);
  t.is(stream.leftover, 0, 'frames end where the bytes do');
});

test('client-go\'s Accept on ?watch=1 and the initial events with their closing bookmark', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  await api.post(cms(ns), configMap('first'));
  const stream = watch(`${cms(ns)}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, PROTOBUF);
  t.teardown(() => stream.close());
  t.is(await stream.opened, 200);
  t.is(stream.contentType, STREAM);
  const [added, end] = await stream.waitFor(2);
  t.is(added!.type, 'ADDED');
  t.is((decodeProtobufObject(added!.raw) as any).metadata.name, 'first');
  t.is(end!.type, 'BOOKMARK');
  t.is((decodeProtobufObject(end!.raw) as any).metadata.annotations['k8s.io/initial-events-end'], 'true');
});

test.serial('a watch from a compacted version gets a 410 Status as its one ERROR frame', async (t) => {
  const { api, server } = fx();
  const ns = await fx().namespace(t);
  const old = (await api.post(cms(ns), configMap('old'))).body.metadata.resourceVersion;
  for (let i = 0; i < 3; i++) await api.post(cms(ns), configMap(`n${i}`));
  await server.store.compact(await server.store.currentRevision());
  const stream = watch(`${cms(ns)}?watch=1&resourceVersion=${old}`);
  t.teardown(() => stream.close());
  t.is(await stream.opened, 200);
  await stream.done;
  t.is(stream.events.length, 1);
  const [error] = stream.events;
  t.is(error!.type, 'ERROR');
  t.is(error!.kind, 'Status');
  t.like(decodeProtobufObject(error!.raw), { kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
});

test('an object protobuf cannot carry whole ends the watch with an ERROR frame that says why', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const base = `/apis/apps/v1/namespaces/${ns}/deployments`;
  t.is((await api.post(base, deployment('odd'))).status, 201);
  const current = (await api.get(`${base}/odd`)).body;
  const stream = watch(`${base}?watch=1&resourceVersion=${current.metadata.resourceVersion}`);
  t.teardown(() => stream.close());
  t.is(await stream.opened, 200);
  // Corral's shared replica-status schema allows a field Kubernetes' DeploymentStatus does not have.
  const put = await api.put(`${base}/odd/status`, { ...current, status: { replicas: 1, fullyLabeledReplicas: 1 } });
  t.is(put.status, 200, put.text);
  await stream.done;
  const error = stream.events.at(-1)!;
  t.is(error.type, 'ERROR');
  const status = decodeProtobufObject(error.raw) as any;
  t.like(status, { kind: 'Status', code: 500, reason: 'InternalError' });
  t.regex(status.message, /Deployment .*\/odd cannot be sent in application\/vnd\.kubernetes\.protobuf: status\.fullyLabeledReplicas has no field.*watch with Accept: application\/json/);
});

test('metadata-only watches in protobuf send PartialObjectMetadata', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const rv = (await api.get(cms(ns))).body.metadata.resourceVersion;
  const stream = watch(`${cms(ns)}?watch=1&resourceVersion=${rv}`, METADATA_PROTOBUF);
  t.teardown(() => stream.close());
  t.is(await stream.opened, 200);
  t.is(stream.contentType, STREAM);
  const made = (await api.post(cms(ns), configMap('meta', { secret: 'not sent' }, { x: 'y' }))).body;
  const [added] = await stream.waitFor(1);
  t.is(`${added!.apiVersion} ${added!.kind}`, 'meta.k8s.io/v1 PartialObjectMetadata');
  t.deepEqual(decodeProtobufObject(added!.raw), { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: made.metadata });
  // GET and LIST answer the same form in protobuf.
  const read = async (path: string) => {
    const res = await fetch(fx().server.url + path, { headers: { Accept: METADATA_PROTOBUF } });
    t.is(res.status, 200, path);
    t.is(res.headers.get('content-type'), PROTOBUF, path);
    return decodeProtobufObject(new Uint8Array(await res.arrayBuffer())) as any;
  };
  t.deepEqual(await read(`${cms(ns)}/meta`), { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: made.metadata });
  const list = await read(cms(ns));
  t.is(`${list.apiVersion} ${list.kind}`, 'meta.k8s.io/v1 PartialObjectMetadataList');
  t.deepEqual(list.items.find((i: any) => i.metadata.name === 'meta'), { metadata: made.metadata });
});

test('watches that send a change alike get the same bytes; JSON watches beside them are unchanged', async (t) => {
  const { api } = fx();
  const ns = await fx().namespace(t);
  const rv = (await api.get(cms(ns))).body.metadata.resourceVersion;
  const path = `${cms(ns)}?watch=1&resourceVersion=${rv}`;
  const a = watch(path);
  const b = watch(path, PROTOBUF);
  const json = api.watch(path);
  t.teardown(() => [a, b, json].forEach((w) => w.close()));
  for (const s of [a, b]) t.is(await s.opened, 200);
  t.is(await json.opened, 200);
  await api.post(cms(ns), configMap('same'));
  await api.patch(`${cms(ns)}/same`, { data: { a: '2' } });
  await a.waitFor(2);
  await b.waitFor(2);
  t.deepEqual(a.frames, b.frames);
  const lines = await json.waitFor(2);
  t.deepEqual(lines.map((e) => e.type), ['ADDED', 'MODIFIED']);
  t.deepEqual(lines[1]!.object, decodeProtobufObject(a.events[1]!.raw));
});

test('a frame is encoded once per id and kept apart from JSON lines', (t) => {
  const shared = new SharedLines(4);
  let encoded = 0;
  const frame = () => (encoded++, Uint8Array.of(1, 2, 3));
  const first = shared.frame('x', frame);
  t.is(shared.frame('x', frame), first);
  t.is(encoded, 1);
  t.is(shared.line('y', () => 'line'), 'line');
  t.is(shared.frame('y', frame).length, 3, 'a frame is never taken for a line of the same id');
  t.is(encoded, 2);
});

test('watches share one encoding of a change per form: whole objects and metadata apart', (t) => {
  const shared = new SharedLines();
  const event = { type: 'MODIFIED' as const, object: { ...configMap('c'), metadata: { name: 'c', namespace: 'n', resourceVersion: '7' } } };
  const one = new ProtobufEventEncoder('v1', {});
  const other = new ProtobufEventEncoder('v1', {});
  const metadata = new ProtobufEventEncoder('v1', { metadataVersion: 'v1' });
  const first = one.encodeChange(event, '/configmaps/n/c', 7, shared);
  t.is(other.encodeChange(event, '/configmaps/n/c', 7, shared), first, 'the same bytes, not bytes alike');
  const meta = metadata.encodeChange(event, '/configmaps/n/c', 7, shared);
  t.not(meta, first);
  t.is(shared.size, 2);
  t.is(decodeWatchEvent(Buffer.from(meta).subarray(4)).kind, 'PartialObjectMetadata');
});

test('protobuf Tables are refused as in Kubernetes, and JSON is chosen whenever it may be', async (t) => {
  const ns = await fx().namespace(t);
  const ask = async (path: string, accept: string) => {
    const res = await fetch(fx().server.url + path, { headers: { accept } });
    const body = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', body };
  };
  const table = `${PROTOBUF};as=Table;g=meta.k8s.io;v=v1`;
  for (const path of [cms(ns), `${cms(ns)}?watch=1&timeoutSeconds=1`]) {
    const refused = await ask(path, table);
    t.is(refused.status, 406, path);
    t.regex(JSON.parse(refused.body).message, /Table is served as application\/json or application\/yaml only.*add application\/json/);
    t.regex((await ask(path, `${table},application/json;as=Table;g=meta.k8s.io;v=v1`)).type, /^application\/json/);
  }
  // Only the watch stream is named by stream=; other values are not acceptable.
  t.is((await ask(cms(ns), `${PROTOBUF};stream=other`)).status, 406);
  // JSON accepted too: a JSON watch, as before.
  const both = new FrameStream(`${fx().server.url}${cms(ns)}?watch=1&timeoutSeconds=1`, `${STREAM},application/json`);
  t.teardown(() => both.close());
  t.is(await both.opened, 200);
  t.is(both.contentType, 'application/json');
});
