// edit, scale, set image, label and annotate through runCli against a real server.
import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Deployment, Pod } from '../../src/api/types.js';
import { cliTest, deploymentYaml, type Cli } from './helpers.js';

const test = cliTest();

async function withDeployment(cli: Cli, name = 'web'): Promise<string> {
  const ns = await cli.namespace();
  const r = await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml(name) });
  if (r.code !== 0) throw new Error(r.err);
  return ns;
}

const get = (cli: Cli, ns: string, name = 'web'): Promise<Deployment> => cli.client.get<Deployment>('deploy', name, { namespace: ns });

/** A shell script used as $EDITOR; `$1` is the file to edit. */
function editor(cli: Cli, name: string, body: string): string {
  const path = cli.file(name, `#!/bin/sh\nset -e\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

test('edit: the editor\'s change is saved; $KUBE_EDITOR wins over $EDITOR', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const sed = editor(cli, `sed-${ns}.sh`, 'sed -i "s/image: nginx:1.25/image: nginx:1.27/" "$1"');
  const r = await cli.run(['edit', 'deploy/web', '-n', ns], { env: { KUBE_EDITOR: sed, EDITOR: 'false' } });
  t.is(r.code, 0, r.err);
  t.is(r.out, 'deployment.apps/web edited\n');
  t.is((await get(cli, ns)).spec.template.spec.containers[0]!.image, 'nginx:1.27');
});

test('edit: no change cancels; an empty file cancels', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const before = (await get(cli, ns)).metadata.resourceVersion;
  const same = await cli.run(['edit', 'deployment', 'web', '-n', ns], { env: { EDITOR: 'true' } });
  t.is(same.code, 0);
  t.is(same.err, 'Edit cancelled, no changes made.\n');
  const empty = await cli.run(['edit', 'deployment', 'web', '-n', ns], { env: { EDITOR: editor(cli, `empty-${ns}.sh`, ': > "$1"') } });
  t.is(empty.err, 'Edit cancelled, saved file was empty.\n');
  t.is((await get(cli, ns)).metadata.resourceVersion, before);
});

test('edit: an invalid change reopens the file with the error on top; the corrected one is saved', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const seen = `${cli.dir}/second-${ns}.yaml`;
  const script = editor(
    cli,
    `fix-${ns}.sh`,
    [
      `if [ ! -f "${seen}.first" ]; then`,
      `  touch "${seen}.first"`,
      '  sed -i "s/replicas: 2/replicas: -1/" "$1"',
      'else',
      `  cp "$1" "${seen}"`,
      '  sed -i "s/replicas: -1/replicas: 3/" "$1"',
      'fi',
    ].join('\n'),
  );
  const r = await cli.run(['edit', 'deploy', 'web', '-n', ns], { env: { EDITOR: script } });
  t.is(r.code, 0, r.err);
  t.is(r.out, 'deployment.apps/web edited\n');
  t.is((await get(cli, ns)).spec.replicas, 3);
  const reopened = readFileSync(seen, 'utf8');
  t.regex(reopened, /^# Edit the object below/);
  t.regex(reopened, /\n# deployment\.apps\/web was not valid:\n# \* spec\.replicas: [^\n]+\n#\n/);
  t.regex(reopened, /\n {2}replicas: -1\n/, 'the user\'s edit is kept');
});

test('edit: the same invalid change saved twice gives up with an error and keeps a copy', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const script = editor(cli, `bad-${ns}.sh`, 'sed -i "s/replicas: 2/replicas: -1/" "$1"');
  const r = await cli.run(['edit', 'deploy', 'web', '-n', ns], { env: { EDITOR: script } });
  t.is(r.code, 1);
  t.regex(r.err, /^error: Edit cancelled, no valid changes were saved\.\nA copy of your changes has been stored to "(.+)"\n$/);
  const copy = /stored to "(.+)"/.exec(r.err)![1]!;
  t.teardown(() => rmSync(dirname(copy), { recursive: true, force: true }));
  t.regex(readFileSync(copy, 'utf8'), /replicas: -1/);
  t.is((await get(cli, ns)).spec.replicas, 2);
});

test('scale changes spec.replicas through /scale; --current-replicas is a precondition', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const r = await cli.run(['scale', 'deploy/web', '--replicas=5', '-n', ns]);
  t.is(r.out, 'deployment.apps/web scaled\n', r.err);
  t.is((await get(cli, ns)).spec.replicas, 5);
  const stale = await cli.run(['scale', 'deployment', 'web', '--replicas=1', '--current-replicas=3', '-n', ns]);
  t.is(stale.code, 1);
  t.is(stale.err, 'error: Expected replicas to be 3, was 5\n');
  t.is((await get(cli, ns)).spec.replicas, 5);
  t.is((await cli.run(['scale', 'deployment', 'web', '--replicas=0', '--current-replicas=5', '-n', ns])).code, 0);
  t.is((await get(cli, ns)).spec.replicas, 0);
  const notScalable = await cli.run(['scale', 'cm/x', '--replicas=1', '-n', ns]);
  t.is(notScalable.code, 1);
  t.regex(notScalable.err, /configmaps cannot be scaled/);
  t.is((await cli.run(['scale', 'deploy/web', '-n', ns])).code, 2, '--replicas is required');
});

test('set image changes the named container, or every one with *; an unknown container is an error', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  t.is((await cli.run(['set', 'image', 'deployment/web', 'main=nginx:2', '-n', ns])).out, 'deployment.apps/web image updated\n');
  t.is((await get(cli, ns)).spec.template.spec.containers[0]!.image, 'nginx:2');
  const missing = await cli.run(['set', 'image', 'deploy/web', 'sidecar=x', '-n', ns]);
  t.is(missing.err, 'error: unable to find container named "sidecar"\n');
  await cli.client.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] } } as Pod, { namespace: ns });
  t.is((await cli.run(['set', 'image', 'pod/p', '*=z:9', '-n', ns])).out, 'pod/p image updated\n');
  const p = await cli.client.get<Pod>('pods', 'p', { namespace: ns });
  t.deepEqual(p.spec.containers.map((c) => c.image), ['z:9', 'z:9']);
});

test('label: k=v adds, k- removes, a different value needs --overwrite; -l picks objects', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  const labels = async (): Promise<Record<string, string>> => (await get(cli, ns)).metadata.labels ?? {};
  t.is((await cli.run(['label', 'deploy', 'web', 'tier=front', 'team=a', '-n', ns])).out, 'deployment.apps/web labeled\n');
  t.deepEqual(await labels(), { app: 'web', tier: 'front', team: 'a' });
  const clash = await cli.run(['label', 'deploy/web', 'tier=back', '-n', ns]);
  t.is(clash.code, 1);
  t.is(clash.err, "error: 'tier' already has a value (front), and --overwrite is false\n");
  t.is((await cli.run(['label', 'deploy/web', 'tier=back', '--overwrite', '-n', ns])).code, 0);
  t.is((await cli.run(['label', 'deploy/web', 'team-', '-n', ns])).out, 'deployment.apps/web labeled\n');
  t.deepEqual(await labels(), { app: 'web', tier: 'back' });
  t.is((await cli.run(['label', 'deploy/web', 'tier=back', '-n', ns])).out, 'deployment.apps/web not labeled\n');
  const bad = await cli.run(['label', 'deploy/web', 'bad key=x', '-n', ns]);
  t.is(bad.code, 1);
  t.regex(bad.err, /^error: invalid label "bad key=x"/);
  t.is((await cli.run(['label', 'deploy', '-l', 'app=web', 'picked=yes', '-n', ns])).out, 'deployment.apps/web labeled\n');
  t.is((await labels()).picked, 'yes');
});

test('annotate: set and remove annotations', async (t) => {
  const { cli } = t.context;
  const ns = await withDeployment(cli);
  t.is((await cli.run(['annotate', 'deploy/web', 'note=hello world', '-n', ns])).out, 'deployment.apps/web annotated\n');
  t.is((await get(cli, ns)).metadata.annotations?.note, 'hello world');
  t.is((await cli.run(['annotate', 'deploy/web', 'note-', '-n', ns])).out, 'deployment.apps/web annotated\n');
  t.is((await get(cli, ns)).metadata.annotations?.note, undefined);
  const missing = await cli.run(['annotate', 'deploy/ghost', 'a=b', '-n', ns]);
  t.is(missing.err, 'Error from server (NotFound): deployments.apps "ghost" not found\n');
});
