// apply, create, replace and delete through runCli against a real server, checking what is
// stored afterwards.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigMap, Deployment } from '../../src/api/types.js';
import { LAST_APPLIED } from '../../src/cli/kube/apply.js';
import { cliTest, deploymentYaml } from './helpers.js';

const test = cliTest();

test('apply creates, then configures, then is unchanged; a field dropped from the manifest is dropped from the object', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const file = cli.file(`app-${ns}.yaml`, deploymentYaml('web', { extraLabel: 'tier: front', env: true }));
  const first = await cli.run(['apply', '-f', file, '-n', ns]);
  t.is(first.code, 0, first.err);
  t.is(first.out, 'deployment.apps/web created\n');
  const created = await cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  t.truthy(created.metadata.annotations?.[LAST_APPLIED]);
  t.is(JSON.parse(created.metadata.annotations![LAST_APPLIED]!).metadata.namespace, ns);

  t.is((await cli.run(['apply', '-f', file, '-n', ns])).out, 'deployment.apps/web unchanged\n');

  // Someone else adds a label; the manifest drops the env var and a label, and changes the image.
  await cli.client.patch('deploy', 'web', { metadata: { labels: { owner: 'ops' } } }, 'merge', { namespace: ns });
  cli.file(`app-${ns}.yaml`, deploymentYaml('web', { image: 'nginx:1.26' }));
  const second = await cli.run(['apply', '-f', file, '-n', ns]);
  t.is(second.out, 'deployment.apps/web configured\n', second.err);
  const after = await cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  const container = after.spec.template.spec.containers[0]!;
  t.is(container.image, 'nginx:1.26');
  t.is(container.env, undefined, 'the env var removed from the manifest is gone');
  t.is(after.metadata.labels?.tier, undefined, 'the label removed from the manifest is gone');
  t.is(after.metadata.labels?.owner, 'ops', "another writer's label is kept");
  t.is(container.imagePullPolicy, 'IfNotPresent', 'server defaults are kept');
});

test('apply -f a folder (-R), stdin and multi-document files; objects keep their order', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const dir = join(cli.dir, `tree-${ns}`);
  mkdirSync(join(dir, 'nested'), { recursive: true });
  cli.file(`tree-${ns}/a.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
  cli.file(`tree-${ns}/nested/c.json`, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }));
  cli.file(`tree-${ns}/notes.txt`, 'not a manifest');
  const flat = await cli.run(['apply', '-f', dir, '-n', ns]);
  t.is(flat.out, 'configmap/a created\nconfigmap/b created\n');
  const deep = await cli.run(['apply', '-R', '-f', dir, '-n', ns]);
  t.is(deep.out, 'configmap/a unchanged\nconfigmap/b unchanged\nconfigmap/c created\n');
  const piped = await cli.run(['apply', '-f', '-', '-n', ns], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\n' });
  t.is(piped.out, 'configmap/d created\n');
  t.deepEqual((await cli.client.list('cm', { namespace: ns })).items.map((o) => o.metadata.name).sort(), ['a', 'b', 'c', 'd']);
});

test('a manifest problem names the file, the document and the line; nothing of that file is sent', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const file = cli.file(`bad-${ns}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nmetadata: {name: nokind}\n');
  const r = await cli.run(['apply', '-f', file, '-n', ns]);
  t.is(r.code, 1);
  t.is(r.err, `error: ${file}: document 2, line 5, column 1: the object has no 'kind'\n`);
  t.is((await cli.client.list('cm', { namespace: ns })).items.length, 0);
});

test('server errors name the file and the object; the other objects are still applied', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const file = cli.file(`mixed-${ns}.yaml`, `${deploymentYaml('bad', { replicas: -1 })}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n`);
  const r = await cli.run(['apply', '-f', file, '-n', ns]);
  t.is(r.code, 1);
  t.regex(r.err, /^The Deployment.apps "bad" is invalid: spec.replicas: /);
  t.is(r.out, 'configmap/good created\n');
  const wrongNs = await cli.run(['apply', '-f', '-', '-n', ns], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: elsewhere}\n' });
  t.is(wrongNs.err, `error: the namespace from the provided object "elsewhere" does not match the namespace "${ns}". You must pass '--namespace=elsewhere' to perform this operation.\n`);
  const unknown = await cli.run(['apply', '-f', '-', '-n', ns], { stdin: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n' });
  t.is(unknown.code, 1);
  t.regex(unknown.err, /no matches for kind "Widget" in version "example.com\/v1"/);
});

test('create -f refuses an existing object with kubectl\'s message; replace -f puts the file\'s object', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const file = cli.file(`cm-${ns}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\ndata: {a: "1", b: "2"}\n');
  t.is((await cli.run(['create', '-f', file, '-n', ns])).out, 'configmap/conf created\n');
  const again = await cli.run(['create', '-f', file, '-n', ns]);
  t.is(again.code, 1);
  t.is(again.err, `Error from server (AlreadyExists): error when creating "${file}": configmaps "conf" already exists\n`);
  cli.file(`cm-${ns}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\ndata: {a: "9"}\n');
  t.is((await cli.run(['replace', '-f', file, '-n', ns])).out, 'configmap/conf replaced\n');
  t.deepEqual((await cli.client.get<ConfigMap>('cm', 'conf', { namespace: ns })).data, { a: '9' });
  const dry = await cli.run(['create', '-f', '-', '-n', ns, '--dry-run=server'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n' });
  t.is(dry.out, 'configmap/dry created (server dry run)\n');
  t.is((await cli.client.list('cm', { namespace: ns, fieldSelector: 'metadata.name=dry' })).items.length, 0);
});

test('delete by name, type/name, -l, --all and -f; a missing name is an error that does not stop the others', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  for (const [name, tier] of [['a', 'x'], ['b', 'x'], ['c', 'y'], ['d', 'y'], ['e', 'z']]) {
    await cli.client.create('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier: tier! } } }, { namespace: ns });
  }
  const names = async (): Promise<string[]> => (await cli.client.list('cm', { namespace: ns })).items.map((o) => o.metadata.name!).sort();
  const byName = await cli.run(['delete', 'cm', 'a', 'ghost', '-n', ns]);
  t.is(byName.out, 'configmap "a" deleted\n');
  t.is(byName.err, 'Error from server (NotFound): configmaps "ghost" not found\n');
  t.is(byName.code, 1);
  t.is((await cli.run(['delete', 'configmap/b', '-n', ns, '--grace-period=0', '--force'])).code, 0);
  t.is((await cli.run(['delete', 'cm', '-l', 'tier=y', '-n', ns])).out, 'configmap "c" deleted\nconfigmap "d" deleted\n');
  t.deepEqual(await names(), ['e']);
  const file = cli.file(`del-${ns}.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n');
  t.is((await cli.run(['delete', '-f', file, '-n', ns])).out, 'configmap "e" deleted\n');
  const none = await cli.run(['delete', 'cm', '--all', '-n', ns]);
  t.is(none.err, `No resources found in ${ns} namespace.\n`);
  const noName = await cli.run(['delete', 'cm', '-n', ns]);
  t.is(noName.err, 'error: resource(s) were provided, but no name was specified\n');
  t.is((await cli.run(['delete', 'cm', 'ghost', '--ignore-not-found', '-n', ns])).code, 0);
  t.is((await cli.run(['delete', 'cm', 'x', '--cascade=sideways', '-n', ns])).err, 'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan".\n');
});

test('delete --cascade=foreground asks the server for foreground deletion (its finalizer holds the object)', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.client.create('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fg' } }, { namespace: ns });
  const r = await cli.run(['delete', 'cm', 'fg', '-n', ns, '--cascade=foreground', '--wait=false']);
  t.is(r.out, 'configmap "fg" deleted\n');
  const held = await cli.client.get<ConfigMap>('cm', 'fg', { namespace: ns });
  t.truthy(held.metadata.deletionTimestamp);
  t.deepEqual(held.metadata.finalizers, ['foregroundDeletion']);
});

test('delete --wait waits for an object held by a finalizer until it is gone', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.client.create('cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/hold'] } }, { namespace: ns });
  const deleting = cli.run(['delete', 'cm', 'held', '-n', ns, '--timeout=20s']);
  // The object stays (deletionTimestamp set) until its finalizer is removed.
  let seen: ConfigMap | undefined;
  for (let i = 0; i < 100 && !seen?.metadata.deletionTimestamp; i++) {
    seen = await cli.client.get<ConfigMap>('cm', 'held', { namespace: ns });
    if (!seen.metadata.deletionTimestamp) await new Promise((r) => setTimeout(r, 20));
  }
  t.truthy(seen?.metadata.deletionTimestamp);
  let finished = false;
  void deleting.then(() => (finished = true));
  await new Promise((r) => setTimeout(r, 200));
  t.false(finished, 'still waiting while the finalizer holds the object');
  await cli.client.patch('cm', 'held', { metadata: { finalizers: null } }, 'merge', { namespace: ns });
  const r = await deleting;
  t.is(r.code, 0);
  t.is(r.out, 'configmap "held" deleted\n');
});
