// The real kubectl (v1.32)'s `create` subcommands against a Corral API server: they send their
// objects as Kubernetes protobuf. Each creates its object (checked through the API), `get -o yaml`
// round-trips it, and through a proxy that leaves kubectl's Accept at protobuf only, kubectl
// reads Corral's protobuf answers as the same objects.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { startTestApiServer, type TestApiServer } from '@corral/core/testing';
import { findKubectl, runKubectl, type CliResult } from './support/cli.js';

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const KUBECTL = findKubectl();
let server: TestApiServer;
let observed: Server;
let protobufOnly: Server;
let home: string;
let env: NodeJS.ProcessEnv;
/** Content types and Accept headers of the write requests kubectl sent through the proxy. */
const writes: { method: string; url: string; contentType: string; accept: string; answered: string }[] = [];

/** Passes requests on to the server, recording writes; with `cutAccept`, a write's Accept becomes protobuf alone. */
function startProxy(cutAccept: boolean): Promise<Server> {
  const target = new URL(server.url);
  const proxyServer = createServer((req, res) => {
    const headers = { ...req.headers };
    const write = req.method !== 'GET';
    if (write && cutAccept) headers.accept = PROTOBUF;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (answer) => {
        if (write) {
          writes.push({
            method: req.method!,
            url: req.url!,
            contentType: String(req.headers['content-type'] ?? ''),
            accept: String(headers.accept ?? ''),
            answered: String(answer.headers['content-type'] ?? ''),
          });
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => proxyServer.listen(0, '127.0.0.1', () => resolve(proxyServer)));
}

const urlOf = (proxy: Server) => `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

/** Three contexts: straight to the server, through the recording proxy, through the protobuf-only one. */
function kubeconfig(): string {
  const clusters = { direct: server.url, observed: urlOf(observed), protobuf: urlOf(protobufOnly) };
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...Object.entries(clusters).map(([name, url]) => `- { name: ${name}, cluster: { server: "${url}" } }`),
    'users: [{ name: corral, user: {} }]',
    'contexts:',
    ...Object.keys(clusters).map((name) => `- { name: ${name}, context: { cluster: ${name}, user: corral, namespace: default } }`),
    'current-context: direct',
    '',
  ].join('\n');
}

test.before(async () => {
  server = await startTestApiServer({ backend: 'embedded' });
  observed = await startProxy(false);
  protobufOnly = await startProxy(true);
  home = await mkdtemp(join(tmpdir(), 'corral-kubectl-create-'));
  const config = join(home, 'kubeconfig');
  await writeFile(config, kubeconfig());
  env = { ...process.env, KUBECONFIG: config, HOME: home };
});

test.after.always(async () => {
  for (const proxy of [observed, protobufOnly]) await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
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

/** Without nulls and empty objects: Go prints `creationTimestamp: null` and `resources: {}` that JSON may leave out. */
function pruned(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruned);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = pruned(v);
    if (p === null || p === undefined) continue;
    if (typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

test.serial('every kubectl create subcommand for the kinds Corral serves creates its object', async (t) => {
  const literal = join(home, 'settings.bin');
  await writeFile(literal, Buffer.from([0, 1, 2, 255]));
  const commands: [string[], string][] = [
    [['create', 'namespace', 'team-a'], 'namespace/team-a created'],
    [['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'], 'deployment.apps/web created'],
    [['create', 'deployment', 'pair', '--image=busybox', '--image=nginx', '-n', 'team-a'], 'deployment.apps/pair created'],
    [['create', 'service', 'clusterip', 'web', '--tcp=80:8080'], 'service/web created'],
    [['create', 'service', 'nodeport', 'edge', '--tcp=443:8443'], 'service/edge created'],
    [['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=empty=', `--from-file=blob=${literal}`], 'configmap/cfg created'],
    [['create', 'secret', 'generic', 'creds', '--from-literal=password=hunter2', '--type=example.com/basic'], 'secret/creds created'],
    [['create', 'secret', 'docker-registry', 'pull', '--docker-server=registry.example', '--docker-username=u', '--docker-password=p'], 'secret/pull created'],
    [['create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/once created'],
    [['create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--restart=Never', '--', 'date'], 'cronjob.batch/tick created'],
    [['create', 'job', 'tick-now', '--from=cronjob/tick'], 'job.batch/tick-now created'],
    [['create', 'serviceaccount', 'robot'], 'serviceaccount/robot created'],
  ];
  for (const [args, expected] of commands) {
    const r = await kubectl(...args);
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.is(r.stderr, '', args.join(' '));
    t.is(r.stdout.trim(), expected);
  }

  t.like(await api('/api/v1/namespaces/team-a'), { status: { phase: 'Active' } });
  const web = await api('/apis/apps/v1/namespaces/default/deployments/web');
  t.deepEqual(web.spec.selector, { matchLabels: { app: 'web' } });
  t.is(web.spec.replicas, 2);
  t.like(web.spec.template.spec.containers[0], { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] });
  const pair = await api('/apis/apps/v1/namespaces/team-a/deployments/pair');
  t.deepEqual(pair.spec.template.spec.containers.map((c: any) => c.name), ['busybox', 'nginx']);
  const svc = await api('/api/v1/namespaces/default/services/web');
  t.like(svc.spec, { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  const edge = await api('/api/v1/namespaces/default/services/edge');
  t.is(edge.spec.type, 'NodePort');
  t.true(edge.spec.ports[0].nodePort >= 30000 && edge.spec.ports[0].nodePort <= 32767);
  const cfg = await api('/api/v1/namespaces/default/configmaps/cfg');
  t.deepEqual(cfg.data, { a: '1', empty: '' });
  t.deepEqual(cfg.binaryData, { blob: Buffer.from([0, 1, 2, 255]).toString('base64') });
  const creds = await api('/api/v1/namespaces/default/secrets/creds');
  t.is(creds.type, 'example.com/basic');
  t.is(Buffer.from(creds.data.password, 'base64').toString(), 'hunter2');
  const pull = await api('/api/v1/namespaces/default/secrets/pull');
  t.is(pull.type, 'kubernetes.io/dockerconfigjson');
  t.like(JSON.parse(Buffer.from(pull.data['.dockerconfigjson'], 'base64').toString()), { auths: { 'registry.example': { username: 'u' } } });
  const once = await api('/apis/batch/v1/namespaces/default/jobs/once');
  t.deepEqual(once.spec.template.spec.containers[0].command, ['echo', 'hi']);
  t.is(once.spec.template.spec.restartPolicy, 'Never');
  const tick = await api('/apis/batch/v1/namespaces/default/cronjobs/tick');
  t.is(tick.spec.schedule, '*/5 * * * *');
  t.is(tick.spec.jobTemplate.spec.template.spec.restartPolicy, 'Never');
  const tickNow = await api('/apis/batch/v1/namespaces/default/jobs/tick-now');
  t.like(tickNow.metadata.ownerReferences[0], { kind: 'CronJob', name: 'tick', uid: tick.metadata.uid, controller: true });
  t.like(await api('/api/v1/namespaces/default/serviceaccounts/robot'), { kind: 'ServiceAccount', metadata: { name: 'robot' } });
});

test.serial('kubectl create sends protobuf and gets JSON back when its Accept allows JSON', async (t) => {
  writes.length = 0;
  const r = await kubectl('create', 'configmap', 'observed', '--from-literal=k=v', '--context=observed', '-o', 'yaml');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(writes.map((w) => w.method), ['POST']);
  t.is(writes[0]!.contentType, PROTOBUF);
  t.regex(writes[0]!.accept, /^application\/vnd\.kubernetes\.protobuf, ?application\/json$/);
  t.regex(writes[0]!.answered, /^application\/json/);
  t.deepEqual(parse(r.stdout).data, { k: 'v' });
});

test.serial('kubectl reads Corral’s protobuf answers as the objects the API holds', async (t) => {
  const cases: [string[], string][] = [
    [['create', 'deployment', 'pb-web', '--image=nginx:1.27', '--replicas=3', '--port=8080'], '/apis/apps/v1/namespaces/default/deployments/pb-web'],
    [['create', 'service', 'clusterip', 'pb-svc', '--tcp=80:8080'], '/api/v1/namespaces/default/services/pb-svc'],
    [['create', 'secret', 'generic', 'pb-secret', '--from-literal=a=b'], '/api/v1/namespaces/default/secrets/pb-secret'],
    [['create', 'cronjob', 'pb-cron', '--image=busybox', '--schedule=0 * * * *'], '/apis/batch/v1/namespaces/default/cronjobs/pb-cron'],
    [['create', 'namespace', 'pb-ns'], '/api/v1/namespaces/pb-ns'],
    [['create', 'serviceaccount', 'pb-sa'], '/api/v1/namespaces/default/serviceaccounts/pb-sa'],
  ];
  for (const [args, path] of cases) {
    writes.length = 0;
    const r = await kubectl(...args, '--context=protobuf', '-o', 'yaml');
    t.is(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    t.is(writes[0]?.answered, PROTOBUF, args.join(' '));
    // What kubectl decoded from protobuf and printed is what the API holds.
    t.deepEqual(pruned(parse(r.stdout)), pruned(await api(path)), args.join(' '));
  }
});

test.serial('kubectl get -o yaml round-trips objects made by kubectl create', async (t) => {
  for (const [kind, name] of [
    ['deployment', 'web'],
    ['service', 'web'],
    ['configmap', 'cfg'],
    ['secret', 'creds'],
    ['job', 'once'],
    ['cronjob', 'tick'],
    ['namespace', 'team-a'],
    ['serviceaccount', 'robot'],
  ] as const) {
    const got = await kubectl('get', kind, name, '-o', 'yaml');
    t.is(got.code, 0, got.stderr);
    const object = parse(got.stdout);
    t.is(object.metadata.name, name);
    // Replacing an object with what get printed changes nothing but its resourceVersion.
    const file = join(home, `${kind}-${name}.yaml`);
    await writeFile(file, stringify(object));
    const replaced = await kubectl('replace', '-f', file);
    t.is(replaced.code, 0, `${kind}/${name}: ${replaced.stderr}`);
    const again = parse((await kubectl('get', kind, name, '-o', 'yaml')).stdout);
    delete object.metadata.resourceVersion;
    delete again.metadata.resourceVersion;
    if (kind === 'job') {
      // An update defaults a Job's empty labels from its template's, as Kubernetes' defaulting does.
      t.deepEqual(again.metadata.labels, object.spec.template.metadata.labels);
      delete again.metadata.labels;
    }
    t.deepEqual(again, object, `${kind}/${name}`);
  }
});

test.serial('an object kubectl create cannot make is refused with the server’s reason, nothing stored', async (t) => {
  const dup = await kubectl('create', 'deployment', 'web', '--image=nginx');
  t.not(dup.code, 0);
  t.regex(dup.stderr, /AlreadyExists|already exists/);
  const badName = await kubectl('create', 'configmap', 'Not_A_Name', '--from-literal=a=b');
  t.not(badName.code, 0);
  t.regex(badName.stderr, /Not_A_Name.*(Invalid|invalid)/);
  t.is(await api('/api/v1/namespaces/default/configmaps/Not_A_Name'), undefined);
  const badSchedule = await kubectl('create', 'cronjob', 'bad', '--image=busybox', '--schedule=not a schedule');
  t.not(badSchedule.code, 0);
  t.regex(badSchedule.stderr, /schedule/);
  t.is(await api('/apis/batch/v1/namespaces/default/cronjobs/bad'), undefined);
});
