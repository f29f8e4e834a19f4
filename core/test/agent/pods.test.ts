// Pods bound to the node run: status as kubelet reports it, the environment (values, config,
// fields, service links), volumes, init containers in order, events.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import type { Event, Service } from '../../src/api/index.js';
import { PODS } from '../../src/client/index.js';
import { createCorralHooks, type PodNetwork } from '../../src/kernel/index.js';
import { createPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

const SERVICES = { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' };
const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const SECRETS = { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' };
const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

test('a bound pod goes Running with the status kubelet reports', async (t) => {
  const env = await startAgentEnv(t);
  const created = await createPod(env.client, pod('web', { containers: [{ name: 'app', image: 'nginx:1.25' }, { name: 'side', image: 'busybox:1' }] }));
  const running = await podUntil(env.client, 'web', 'Running and ready', (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true);
  const s = running.status!;
  t.is(s.hostIP, '127.0.0.1');
  t.is(s.podIP, '127.0.0.1', 'without a pod network, the pod shares the node IP');
  t.deepEqual(s.podIPs, [{ ip: '127.0.0.1' }]);
  t.truthy(s.startTime);
  for (const type of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) {
    const c = s.conditions?.find((x) => x.type === type);
    t.is(c?.status, 'True', type);
    t.truthy(c?.lastTransitionTime, type);
  }
  t.deepEqual(s.containerStatuses?.map((c) => c.name), ['app', 'side']);
  const app = s.containerStatuses![0]!;
  const fakeApp = env.runtime.containersOf('app')[0]!;
  t.is(app.containerID, `fake://${fakeApp.id}`);
  t.is(app.image, 'nginx:1.25');
  t.regex(app.imageID, /nginx:1.25@sha256:/);
  t.is(app.restartCount, 0);
  t.true(app.ready);
  t.true(app.started);
  t.truthy(app.state?.running?.startedAt);
  // The runtime got the sandbox and the containers with Corral's labels.
  const sandbox = [...env.runtime.sandboxes.values()][0]!;
  t.is(sandbox.config.labels['corral.dev/pod-uid'], created.metadata.uid!);
  t.is(fakeApp.config.labels['corral.dev/container-name'], 'app');
  t.is(fakeApp.config.labels['corral.dev/restart-count'], '0');
  t.true(env.runtime.calls.includes('pullImage nginx:1.25'));

  const events = await waitFor('the Started events', async () => {
    const list = await env.client.list<Event>(EVENTS, { namespace: 'default' });
    const reasons = list.items.filter((e) => e.involvedObject.name === 'web').map((e) => e.reason);
    return ['Pulling', 'Pulled', 'Created', 'Started'].every((r) => reasons.includes(r)) ? list.items : undefined;
  });
  t.truthy(events.find((e) => e.reason === 'Started' && e.involvedObject.fieldPath === 'spec.containers{app}'));
});

test('the environment: values, $(VAR), configMap and secret keys, fields, envFrom and service variables', async (t) => {
  const env = await startAgentEnv(t);
  await env.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'fast', LEVEL: '3' } });
  await env.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: Buffer.from('s3cret').toString('base64') } });
  const svc = await env.client.create<Service>(SERVICES, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'redis-master' },
    spec: { selector: { app: 'redis' }, ports: [{ name: 'redis', port: 6379, targetPort: 6379 }, { name: 'metrics', port: 9121, protocol: 'TCP' }] },
  });
  const ip = svc.spec.clusterIP!;
  t.truthy(ip);
  await waitFor('the agent to see the service', () => env.runtime !== undefined);
  // Give the agent's service informer a moment to see it before the container starts.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await createPod(
    env.client,
    pod(
      'envy',
      {
        containers: [
          {
            name: 'app',
            image: 'busybox:1',
            command: ['/bin/run', '$(GREETING)'],
            args: ['--mode=$(MODE)', '$$(literal)'],
            workingDir: '/work',
            envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
            env: [
              { name: 'GREETING', value: 'hello' },
              { name: 'WHO', value: '$(GREETING) world' },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } },
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'MY_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'MY_TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
              { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
              { name: 'REDIS_MASTER_SERVICE_HOST', value: 'overridden' },
            ],
            resources: { limits: { cpu: '500m', memory: '64Mi' } },
          },
        ],
      },
      { labels: { team: 'blue' } },
    ),
  );
  await podUntil(env.client, 'envy', 'Running', (p) => p.status?.phase === 'Running');
  const config = env.runtime.containersOf('app', 'envy')[0]!.config;
  const vars = Object.fromEntries(config.env.map((e) => [e.name, e.value]));
  t.is(vars.GREETING, 'hello');
  t.is(vars.WHO, 'hello world');
  t.is(vars.MODE, 'fast');
  t.is(vars.PASSWORD, 's3cret');
  t.is(vars.CFG_mode, 'fast');
  t.is(vars.CFG_LEVEL, '3');
  t.is(vars.MY_POD, 'envy');
  t.is(vars.MY_NS, 'default');
  t.is(vars.MY_IP, '127.0.0.1');
  t.is(vars.MY_NODE, 'node-1');
  t.is(vars.MY_TEAM, 'blue');
  t.is(vars.MEM_LIMIT, '64');
  t.is(vars.REDIS_MASTER_SERVICE_HOST, 'overridden', 'the pod own variable wins over the service one');
  t.is(vars.REDIS_MASTER_SERVICE_PORT, '6379');
  t.is(vars.REDIS_MASTER_SERVICE_PORT_REDIS, '6379');
  t.is(vars.REDIS_MASTER_SERVICE_PORT_METRICS, '9121');
  t.is(vars.REDIS_MASTER_PORT, `tcp://${ip}:6379`);
  t.is(vars.REDIS_MASTER_PORT_6379_TCP, `tcp://${ip}:6379`);
  t.is(vars.REDIS_MASTER_PORT_6379_TCP_PROTO, 'tcp');
  t.is(vars.REDIS_MASTER_PORT_6379_TCP_PORT, '6379');
  t.is(vars.REDIS_MASTER_PORT_6379_TCP_ADDR, ip);
  t.is(vars.REDIS_MASTER_PORT_9121_TCP_ADDR, ip);
  t.deepEqual(config.command, ['/bin/run', 'hello']);
  t.deepEqual(config.args, ['--mode=fast', '$(literal)']);
  t.is(config.workingDir, '/work');
  t.deepEqual(config.resources, { cpuLimitMillis: 500, memoryLimitBytes: 64 * 1024 * 1024, cpuRequestMillis: 500, memoryRequestBytes: 64 * 1024 * 1024 });
});

test('a missing configMap keeps the container waiting in CreateContainerConfigError until it appears', async (t) => {
  const env = await startAgentEnv(t);
  await createPod(env.client, pod('needs', { containers: [{ name: 'app', image: 'busybox:1', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'late', key: 'x' } } }] }] }));
  const waiting = await podUntil(env.client, 'needs', 'CreateContainerConfigError', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError');
  t.is(waiting.status?.phase, 'Pending');
  t.regex(waiting.status!.containerStatuses![0]!.state!.waiting!.message!, /configmap "late" not found/);
  await env.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { x: '1' } });
  await podUntil(env.client, 'needs', 'Running once the configMap exists', (p) => p.status?.phase === 'Running');
});

test('volumes: emptyDir shared, configMap and secret projected as files, mounts to the runtime', async (t) => {
  const env = await startAgentEnv(t);
  await env.client.create(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'site' }, data: { 'index.html': '<h1>hi</h1>', other: 'x' } });
  await env.client.create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls' }, data: { key: Buffer.from('KEY').toString('base64') } });
  await createPod(
    env.client,
    pod('vols', {
      volumes: [{ name: 'scratch', emptyDir: {} }, { name: 'site', configMap: { name: 'site', items: [{ key: 'index.html', path: 'html/index.html' }] } }, { name: 'tls', secret: { secretName: 'tls' } }],
      containers: [
        { name: 'a', image: 'busybox:1', volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'site', mountPath: '/usr/share/nginx', readOnly: true }] },
        { name: 'b', image: 'busybox:1', volumeMounts: [{ name: 'scratch', mountPath: '/data' }, { name: 'tls', mountPath: '/etc/tls' }] },
      ],
    }),
  );
  await podUntil(env.client, 'vols', 'Running', (p) => p.status?.phase === 'Running');
  const a = env.runtime.containersOf('a', 'vols')[0]!.config.mounts;
  const b = env.runtime.containersOf('b', 'vols')[0]!.config.mounts;
  t.is(a[0]!.hostPath, b[0]!.hostPath, 'the emptyDir is one directory for both');
  t.true(a[0]!.hostPath.startsWith(env.rootDir));
  t.is(b[0]!.containerPath, '/data');
  t.true(a[1]!.readonly);
  t.is(await readFile(`${a[1]!.hostPath}/html/index.html`, 'utf8'), '<h1>hi</h1>');
  t.is(await readFile(`${b[1]!.hostPath}/key`, 'utf8'), 'KEY');
});

test('init containers run one at a time, in order, each to completion, before the app', async (t) => {
  const env = await startAgentEnv(t);
  env.runtime.script('init:1', { exitAfterMs: 150, exitCode: 0 });
  await createPod(
    env.client,
    pod('inits', {
      initContainers: [
        { name: 'first', image: 'init:1' },
        { name: 'second', image: 'init:1' },
      ],
      containers: [{ name: 'app', image: 'nginx:1.25' }],
    }),
  );
  const pending = await podUntil(env.client, 'inits', 'Pending while initializing', (p) => p.status?.initContainerStatuses?.[0]?.state?.running !== undefined);
  t.is(pending.status?.phase, 'Pending');
  t.is(pending.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'False');
  t.is(pending.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'PodInitializing');
  const running = await podUntil(env.client, 'inits', 'Running', (p) => p.status?.phase === 'Running');
  const starts = env.runtime.calls.filter((c) => c.startsWith('startContainer'));
  t.deepEqual(starts, ['startContainer first', 'startContainer second', 'startContainer app']);
  t.deepEqual(running.status?.initContainerStatuses?.map((s) => [s.name, s.state?.terminated?.reason, s.state?.terminated?.exitCode]), [
    ['first', 'Completed', 0],
    ['second', 'Completed', 0],
  ]);
  t.is(running.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
});

test('the container hooks run around start and stop; beforeContainerStart may rewrite the config', async (t) => {
  const hooks = createCorralHooks();
  const seen: string[] = [];
  hooks.beforeContainerStart.tapPromise('test', async (config, ctx) => {
    seen.push(`beforeStart ${ctx.container.name} ${ctx.sandboxId !== ''}`);
    return { ...config, env: [...config.env, { name: 'INJECTED', value: 'yes' }] };
  });
  hooks.afterContainerStart.tapPromise('test', async (ctx) => void seen.push(`afterStart ${ctx.container.name} ${ctx.containerId}`));
  hooks.beforeContainerStop.tapPromise('test', async (ctx) => void seen.push(`beforeStop ${ctx.container.name} ${ctx.sandboxId !== ''}`));
  hooks.afterContainerStop.tapPromise('test', async (ctx, status) => void seen.push(`afterStop ${ctx.container.name} ${status?.state}`));
  const env = await startAgentEnv(t, { hooks });
  await createPod(env.client, pod('hooked', { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'hooked', 'Running', (p) => p.status?.phase === 'Running');
  const [c] = env.runtime.containersOf('app', 'hooked');
  t.true(c!.config.env.some((e) => e.name === 'INJECTED' && e.value === 'yes'));
  await env.client.delete(PODS, 'hooked', { namespace: 'default' });
  await waitFor('the stop hooks', () => seen.length === 4);
  t.deepEqual(seen, ['beforeStart app true', `afterStart app ${c!.id}`, 'beforeStop app true', 'afterStop app CONTAINER_EXITED']);
});

test('with a pod network the sandbox joins its namespace and the pod gets its IP; deletion tears it down', async (t) => {
  const calls: string[] = [];
  const network: PodNetwork = {
    name: 'test-net',
    async setup(p) {
      calls.push(`setup ${p.name}`);
      return { ip: '10.244.0.7', netnsPath: `/run/netns/${p.uid}` };
    },
    async teardown(p) {
      calls.push(`teardown ${p.name}`);
    },
    async close() {},
  };
  const env = await startAgentEnv(t, { podNetwork: network });
  const created = await createPod(env.client, pod('netted', { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] }] }));
  const running = await podUntil(env.client, 'netted', 'Running', (p) => p.status?.phase === 'Running');
  t.is(running.status?.podIP, '10.244.0.7');
  t.is(running.status?.hostIP, '127.0.0.1');
  const sandbox = [...env.runtime.sandboxes.values()][0]!;
  t.is(sandbox.config.netnsPath, `/run/netns/${created.metadata.uid}`);
  t.is(sandbox.config.ip, '10.244.0.7');
  t.false(sandbox.config.hostNetwork);
  t.is(env.runtime.containersOf('app', 'netted')[0]!.config.env.find((e) => e.name === 'IP')?.value, '10.244.0.7');
  await env.client.delete(PODS, 'netted', { namespace: 'default' });
  await waitFor('the teardown', () => calls.includes('teardown netted'));
  t.is(calls[0], 'setup netted');
});
