// kubectl against the OpenAPI documents a Corral API server serves: `explain` (v3, and v2 in
// protobuf), strict field validation (server-side for objects, client-side from /openapi/v2 for
// a `kind: List`), and `apply` computing strategic merge patches from the v3 merge keys.
import test from 'ava';
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestApiServer } from '@corral/core/testing';

const run = promisify(execFile);
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

type Server = Awaited<ReturnType<typeof startTestApiServer>>;
let server: Server | undefined;
let dir = '';

test.before(async () => {
  try {
    accessSync(KUBECTL, constants.X_OK);
  } catch {
    throw new Error(`kubectl not found at ${KUBECTL}: install kubectl 1.32 (or set KUBECTL to its path)`);
  }
  server = await startTestApiServer({ backend: 'embedded' });
  dir = await mkdtemp(join(tmpdir(), 'corral-e2e-openapi-'));
  const kubeconfig = [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: corral, cluster: { server: "${server.url}" } }]`,
    'users: [{ name: tester, user: {} }]',
    'contexts: [{ name: corral, context: { cluster: corral, user: tester, namespace: default } }]',
    'current-context: corral',
  ].join('\n');
  await writeFile(join(dir, 'kubeconfig'), kubeconfig);
});

test.after.always(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs kubectl with this test's kubeconfig and its own discovery cache. */
async function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(KUBECTL, ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), ...args], {
      env: { ...process.env, KUBECONFIG: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function manifest(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const badPod = (name: string, indent = '') =>
  [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  containers:',
    '  - name: web',
    '    image: registry.example.com/web:1',
    '    bogusField: 1',
  ]
    .map((l) => indent + l)
    .join('\n');

test('kubectl explain pods.spec.containers shows the Container type and its fields', async (t) => {
  const { code, stdout, stderr } = await kubectl('explain', 'pods.spec.containers');
  t.is(code, 0, stderr);
  t.regex(stdout, /^KIND:\s+Pod$/m);
  t.regex(stdout, /^VERSION:\s+v1$/m);
  t.regex(stdout, /^FIELD: containers <\[\]Container>$/m);
  t.regex(stdout, /^ {2}name\t<string> -required-$/m);
  t.regex(stdout, /^ {2}image\t<string>$/m);
  t.regex(stdout, /^ {2}ports\t<\[\]ContainerPort>$/m);
  t.regex(stdout, /^ {2}imagePullPolicy\t<string>\n {2}enum: Always, IfNotPresent, Never$/m);
});

test('kubectl explain walks into other groups, maps and int-or-string fields', async (t) => {
  const deploy = await kubectl('explain', 'deployments.spec.template.spec.containers.resources.limits');
  t.is(deploy.code, 0, deploy.stderr);
  t.regex(deploy.stdout, /^GROUP:\s+apps$/m);
  t.regex(deploy.stdout, /^FIELD: limits <map\[string\]Quantity>$/m);
  const svc = await kubectl('explain', 'svc.spec.ports.targetPort');
  t.is(svc.code, 0, svc.stderr);
  t.regex(svc.stdout, /^FIELD: targetPort <IntOrString>$/m);
  const missing = await kubectl('explain', 'pods.spec.nope');
  t.not(missing.code, 0);
  t.regex(missing.stderr, /field "nope" does not exist/);
});

test('kubectl explain with the v2 document (served as protobuf) finds the same fields', async (t) => {
  const { code, stdout, stderr } = await kubectl('explain', '--output=plaintext-openapiv2', 'pods.spec.containers');
  t.is(code, 0, stderr);
  t.regex(stdout, /^RESOURCE: containers <\[\]Object>$/m);
  t.regex(stdout, /^ {3}name\t<string> -required-$/m);
});

test('kubectl apply --validate=strict of a pod with an unknown field fails, naming the field', async (t) => {
  const { code, stdout, stderr } = await kubectl('apply', '--validate=strict', '-f', await manifest('bad-pod.yaml', badPod('strict-pod')));
  t.not(code, 0, stdout);
  t.regex(stderr, /bogusField/);
  const get = await kubectl('get', 'pod', 'strict-pod');
  t.not(get.code, 0, 'the pod was not created');
});

test('a kind: List is validated client-side from /openapi/v2, naming the unknown field', async (t) => {
  const list = ['apiVersion: v1', 'kind: List', 'items:', `- ${badPod('listed-pod', '  ').trimStart()}`].join('\n');
  const { code, stderr } = await kubectl('apply', '--validate=strict', '-f', await manifest('bad-list.yaml', list));
  t.not(code, 0);
  t.regex(stderr, /unknown field "bogusField" in io\.k8s\.api\.core\.v1\.Container/);
});

test('kubectl apply of a changed deployment patches it by container name', async (t) => {
  const deployment = (image: string, env: string) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: { name: web }',
      'spec:',
      '  selector: { matchLabels: { app: web } }',
      '  template:',
      '    metadata: { labels: { app: web } }',
      '    spec:',
      '      containers:',
      `      - { name: web, image: "${image}", env: [{ name: MODE, value: "${env}" }] }`,
      '      - { name: sidecar, image: "registry.example.com/sidecar:1" }',
    ].join('\n');
  const first = await kubectl('apply', '-f', await manifest('deploy-1.yaml', deployment('registry.example.com/web:1', 'a')));
  t.is(first.code, 0, first.stderr);
  t.regex(first.stdout, /deployment\.apps\/web created/);
  const second = await kubectl('apply', '-f', await manifest('deploy-2.yaml', deployment('registry.example.com/web:2', 'b')));
  t.is(second.code, 0, second.stderr);
  t.regex(second.stdout, /deployment\.apps\/web configured/);
  const got = await kubectl('get', 'deployment', 'web', '-o', 'json');
  t.is(got.code, 0, got.stderr);
  const containers = (JSON.parse(got.stdout) as { spec: { template: { spec: { containers: Array<{ name: string; image: string; env?: unknown }> } } } })
    .spec.template.spec.containers;
  t.deepEqual(
    containers.map((c) => [c.name, c.image, c.env]),
    [
      ['web', 'registry.example.com/web:2', [{ name: 'MODE', value: 'b' }]],
      ['sidecar', 'registry.example.com/sidecar:1', undefined],
    ],
  );
});
