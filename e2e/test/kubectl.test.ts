// The real kubectl (v1.32) against a Corral API server: apply (twice), get (tables, YAML,
// JSON), describe, scale, get -w, delete, with the seed's manifests; and no warnings on stderr.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startTestApiServer, type TestApiServer } from '@corral/core/testing';
import { findKubectl, runKubectl, type CliResult } from './support/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/kubectl/${name}`, import.meta.url));

const KUBECTL = findKubectl();
let server: TestApiServer;
let home: string;
let env: NodeJS.ProcessEnv;

test.before(async () => {
  server = await startTestApiServer({ backend: 'embedded' });
  home = await mkdtemp(join(tmpdir(), 'corral-kubectl-'));
  const kubeconfig = join(home, 'kubeconfig');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: corral, cluster: { server: "${server.url}" } }]`,
      'users: [{ name: corral, user: {} }]',
      'contexts: [{ name: corral, context: { cluster: corral, user: corral, namespace: default } }]',
      'current-context: corral',
      '',
    ].join('\n'),
  );
  // kubectl's discovery cache goes under $HOME: a fresh one per run.
  env = { ...process.env, KUBECONFIG: kubeconfig, HOME: home };
});

test.after.always(async () => {
  await server?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<CliResult> {
  if (!KUBECTL) throw new Error('kubectl (v1.32) is not on PATH; install it or set $KUBECTL');
  return runKubectl(args, { env, timeoutMs: 30_000 });
}

async function api(path: string): Promise<any> {
  const res = await fetch(server.url + path);
  return res.status === 404 ? undefined : res.json();
}

test.serial('kubectl apply creates the seed objects, with nothing on stderr', async (t) => {
  const r = await kubectl('apply', '-f', fixture('redis-master-controller.yaml'), '-f', fixture('redis-master-service.yaml'), '-f', fixture('nginx-deployment.yaml'));
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.deepEqual(r.stdout.trim().split('\n'), [
    'replicationcontroller/redis-master created',
    'service/redis-master created',
    'deployment.apps/nginx-deployment created',
  ]);
  const rc = await api('/api/v1/namespaces/default/replicationcontrollers/redis-master');
  t.truthy(rc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
  t.deepEqual(rc.spec.template.spec.containers[0].ports, [{ containerPort: 6379, protocol: 'TCP' }]);
});

test.serial('a second kubectl apply changes one field and removes another', async (t) => {
  const r = await kubectl('apply', '-f', fixture('redis-master-controller-v2.yaml'));
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.is(r.stdout.trim(), 'replicationcontroller/redis-master configured');
  const rc = await api('/api/v1/namespaces/default/replicationcontrollers/redis-master');
  t.is(rc.spec.replicas, 2);
  t.is(rc.spec.template.spec.containers[0].ports, undefined);
  t.is(rc.metadata.generation, 2);
  const again = await kubectl('apply', '-f', fixture('redis-master-controller-v2.yaml'));
  t.is(again.stdout.trim(), 'replicationcontroller/redis-master unchanged');
});

test.serial('kubectl get prints server-side tables with the proper columns', async (t) => {
  const r = await kubectl('get', 'rc,svc,deploy');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const lines = r.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
  t.deepEqual(lines[0], ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
  t.deepEqual(lines[1]!.slice(0, 4), ['replicationcontroller/redis-master', '2', '0', '0']);
  t.true(lines.some((l) => l[0] === 'NAME' && l[1] === 'TYPE' && l[2] === 'CLUSTER-IP'), r.stdout);
  t.true(lines.some((l) => l[0] === 'service/redis-master' && l.includes('6379/TCP')), r.stdout);
  t.true(lines.some((l) => l.join(' ') === 'NAME READY UP-TO-DATE AVAILABLE AGE'), r.stdout);
  t.true(lines.some((l) => l[0] === 'deployment.apps/nginx-deployment' && l[1] === '0/3'), r.stdout);
  const wide = await kubectl('get', 'deploy', '-o', 'wide');
  t.regex(wide.stdout, /CONTAINERS\s+IMAGES\s+SELECTOR/);
  t.regex(wide.stdout, /nginx\s+nginx:1\.7\.9\s+app=nginx/);
});

test.serial('kubectl get -o yaml and -o json show the stored object', async (t) => {
  const yaml = await kubectl('get', 'rc', 'redis-master', '-o', 'yaml');
  t.is(yaml.stderr, '');
  const rc = parse(yaml.stdout);
  t.like(rc, { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'redis-master', namespace: 'default' }, spec: { replicas: 2 } });
  const json = await kubectl('get', 'deployment', 'nginx-deployment', '-o', 'json');
  t.like(JSON.parse(json.stdout), { kind: 'Deployment', spec: { replicas: 3, selector: { matchLabels: { app: 'nginx' } } } });
  const list = await kubectl('get', 'svc', '-o', 'json');
  t.is(JSON.parse(list.stdout).items[0].metadata.name, 'redis-master');
});

test.serial('kubectl describe', async (t) => {
  const r = await kubectl('describe', 'deployment', 'nginx-deployment');
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  t.regex(r.stdout, /^Name:\s+nginx-deployment$/m);
  t.regex(r.stdout, /^Selector:\s+app=nginx$/m);
  t.regex(r.stdout, /^Replicas:\s+3 desired/m);
  t.regex(r.stdout, /Image:\s+nginx:1\.7\.9/);
  const svc = await kubectl('describe', 'service', 'redis-master');
  t.regex(svc.stdout, /^Port:\s+<unset>\s+6379\/TCP$/m);
});

test.serial('kubectl scale goes through the scale subresource', async (t) => {
  const r = await kubectl('scale', 'deployment', 'nginx-deployment', '--replicas=5');
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), 'deployment.apps/nginx-deployment scaled');
  t.is((await api('/apis/apps/v1/namespaces/default/deployments/nginx-deployment')).spec.replicas, 5);
  const rc = await kubectl('scale', 'rc', 'redis-master', '--replicas=3', '--current-replicas=2');
  t.is(rc.code, 0, rc.stderr);
  t.is((await api('/api/v1/namespaces/default/replicationcontrollers/redis-master')).spec.replicas, 3);
});

test.serial('kubectl get -w sees an update as it happens', async (t) => {
  const watch = spawn(KUBECTL!, ['get', 'rc', '-w'], { env });
  t.teardown(() => void watch.kill('SIGKILL'));
  let out = '';
  let err = '';
  watch.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  watch.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const waitFor = async (re: RegExp): Promise<boolean> => {
    for (let i = 0; i < 200 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 50));
    return re.test(out);
  };
  t.true(await waitFor(/redis-master\s+3\s+0\s+0/), out);
  t.is((await kubectl('scale', 'rc', 'redis-master', '--replicas=7')).code, 0);
  t.true(await waitFor(/redis-master\s+7\s+0\s+0/), out);
  t.is(out.match(/^NAME/gm)?.length, 1, 'one header');
  watch.kill('SIGTERM');
  t.is(err, '');
});

test.serial('kubectl refuses an unknown field with the server’s strict validation', async (t) => {
  const r = await kubectl('apply', '-f', fixture('unknown-field.yaml'));
  t.not(r.code, 0);
  t.regex(r.stderr, /dataa/);
  t.is(await api('/api/v1/namespaces/default/configmaps/typo'), undefined);
});

test.serial('kubectl delete, by file and by name, waits until the objects are gone', async (t) => {
  const r = await kubectl('delete', '-f', fixture('nginx-deployment.yaml'));
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), 'deployment.apps "nginx-deployment" deleted');
  t.is(await api('/apis/apps/v1/namespaces/default/deployments/nginx-deployment'), undefined);
  const rc = await kubectl('delete', 'rc/redis-master', 'svc/redis-master');
  t.is(rc.code, 0, rc.stderr);
  t.is(rc.stderr, '');
  t.is(await api('/api/v1/namespaces/default/services/redis-master'), undefined);
  const none = await kubectl('get', 'all');
  t.regex(none.stderr, /No resources found in default namespace/);
});

test.serial('kubectl uses aggregated discovery: /api and /apis, no per-group requests', async (t) => {
  const r = await kubectl('get', 'pods', '-v=6', '--cache-dir', join(home, 'fresh-cache'));
  t.is(r.code, 0);
  const requests = r.stderr.split('\n').filter((l) => l.includes('round_trippers')).map((l) => /(GET|POST|PUT|PATCH|DELETE) (\S+)/.exec(l)?.[2] ?? '');
  t.true(requests.some((u) => u.startsWith(`${server.url}/api?`)), requests.join('\n'));
  t.true(requests.some((u) => u.startsWith(`${server.url}/apis?`)));
  t.false(requests.some((u) => /\/api\/v1\?|\/apis\/apps\/v1\?/.test(u)), 'no legacy discovery fallback');
  t.false(/warn|couldn't get|failed/i.test(r.stderr.replace(/round_trippers.*\n/g, '')), r.stderr);
});
