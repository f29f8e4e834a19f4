// The real kubectl (v1.32) and ServiceAccounts on a Corral control plane running the service
// account controller: `create serviceaccount`, `get sa` (the server's Table, `default` included),
// `describe sa`, `delete sa`, and a `default` in every namespace, made again when deleted.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startTestControlPlane, waitFor, type TestControlPlane } from '@corral/core/testing';
import { findKubectl, runKubectl, type CliResult } from './support/cli.js';

const KUBECTL = findKubectl();
let cp: TestControlPlane;
let home: string;
let kubeconfig: string;

test.before(async () => {
  cp = await startTestControlPlane({ plugins: ['@corral/plugin-serviceaccounts'], scheduler: false });
  home = await mkdtemp(join(tmpdir(), 'corral-kubectl-sa-'));
  kubeconfig = join(home, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: corral, cluster: { server: "${cp.url}" } }]`,
      'users: [{ name: corral, user: {} }]',
      'contexts: [{ name: corral, context: { cluster: corral, user: corral, namespace: default } }]',
      'current-context: corral',
      '',
    ].join('\n'),
  );
});

test.after.always(async () => {
  await cp?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<CliResult> {
  if (!KUBECTL) throw new Error('kubectl (v1.32) is not on PATH; install it or set $KUBECTL');
  return runKubectl(args, { kubeconfig, env: { HOME: home }, timeoutMs: 30_000 });
}

/** The rows of `kubectl get` output, split on runs of spaces. */
function rows(stdout: string): string[][] {
  return stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
}

test.serial('kubectl get sa shows the controller’s default; create, get, describe and delete a ServiceAccount', async (t) => {
  await waitFor('kubectl get sa default', async () => (await kubectl('get', 'sa', 'default')).code === 0);

  const created = await kubectl('create', 'serviceaccount', 'build-bot');
  t.is(created.code, 0, created.stderr);
  t.is(created.stdout.trim(), 'serviceaccount/build-bot created');

  const listed = await kubectl('get', 'sa');
  t.is(listed.code, 0, listed.stderr);
  const table = rows(listed.stdout);
  t.deepEqual(table[0], ['NAME', 'SECRETS', 'AGE']);
  t.deepEqual(table.slice(1).map((r) => r.slice(0, 2)), [['build-bot', '0'], ['default', '0']]);
  const system = await kubectl('get', 'serviceaccounts', '-n', 'kube-system', '-o', 'name');
  t.is(system.stdout.trim(), 'serviceaccount/default');

  const yaml = parse((await kubectl('get', 'sa', 'build-bot', '-o', 'yaml')).stdout);
  t.like(yaml, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'build-bot', namespace: 'default' } });

  const described = await kubectl('describe', 'sa', 'build-bot');
  t.is(described.code, 0, described.stderr);
  t.regex(described.stdout, /^Name:\s+build-bot\n/);
  t.regex(described.stdout, /\nNamespace:\s+default\n/);
  t.regex(described.stdout, /\nImage pull secrets:\s+<none>\n/);
  t.regex(described.stdout, /\nMountable secrets:\s+<none>\n/);

  const again = await kubectl('create', 'sa', 'build-bot');
  t.is(again.code, 1);
  t.is(again.stderr.trim(), 'error: failed to create serviceaccount: serviceaccounts "build-bot" already exists');

  const deleted = await kubectl('delete', 'sa', 'build-bot');
  t.is(deleted.code, 0, deleted.stderr);
  t.is(deleted.stdout.trim(), 'serviceaccount "build-bot" deleted');
  const gone = await kubectl('get', 'sa', 'build-bot');
  t.is(gone.code, 1);
  t.is(gone.stderr.trim(), 'Error from server (NotFound): serviceaccounts "build-bot" not found');
});

test.serial('a namespace created with kubectl gets a default ServiceAccount; deleted, it comes back', async (t) => {
  t.is((await kubectl('create', 'namespace', 'e2e-team')).code, 0);
  const first = await waitFor('default in e2e-team', async () => {
    const r = await kubectl('get', 'sa', 'default', '-n', 'e2e-team', '-o', 'jsonpath={.metadata.uid}');
    return r.code === 0 && r.stdout ? r.stdout : undefined;
  });
  const deleted = await kubectl('delete', 'sa', 'default', '-n', 'e2e-team');
  t.is(deleted.code, 0, deleted.stderr);
  const second = await waitFor('a new default in e2e-team', async () => {
    const r = await kubectl('get', 'sa', 'default', '-n', 'e2e-team', '-o', 'jsonpath={.metadata.uid}');
    return r.code === 0 && r.stdout && r.stdout !== first ? r.stdout : undefined;
  });
  t.not(second, first);
});

test.serial('kubectl create serviceaccount --dry-run=server -o yaml and kubectl api-resources', async (t) => {
  const dry = await kubectl('create', 'sa', 'dry-bot', '--dry-run=server', '-o', 'yaml');
  t.is(dry.code, 0, dry.stderr);
  t.like(parse(dry.stdout), { kind: 'ServiceAccount', metadata: { name: 'dry-bot', namespace: 'default' } });
  t.is((await kubectl('get', 'sa', 'dry-bot')).code, 1, 'nothing stored');
  const resources = await kubectl('api-resources', '--api-group=');
  t.regex(resources.stdout, /\nserviceaccounts\s+sa\s+v1\s+true\s+ServiceAccount\n/);
});
