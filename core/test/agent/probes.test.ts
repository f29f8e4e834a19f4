// Probes (exec, httpGet, tcpSocket), postStart/preStop, graceful deletion confirmed by the agent.
import test from 'ava';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { Event } from '../../src/api/index.js';
import { PODS } from '../../src/client/index.js';
import { createPod, getPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

async function reasons(env: Awaited<ReturnType<typeof startAgentEnv>>, name: string): Promise<Event[]> {
  const list = await env.client.list<Event>(EVENTS, { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.name === name);
}

test('a failing readiness probe keeps the pod not ready; passing makes it ready', async (t) => {
  const env = await startAgentEnv(t);
  let healthy = false;
  env.runtime.execHandler = (_c, options) => (options.command[0] === 'check' ? (healthy ? 0 : 1) : undefined);
  await createPod(env.client, pod('ready', { containers: [{ name: 'app', image: 'nginx:1.25', readinessProbe: { exec: { command: ['check'] }, periodSeconds: 1, failureThreshold: 1 } }] }));
  const notReady = await podUntil(env.client, 'ready', 'Running', (p) => p.status?.phase === 'Running');
  t.false(notReady.status!.containerStatuses![0]!.ready);
  t.is(notReady.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
  t.is(notReady.status?.conditions?.find((c) => c.type === 'ContainersReady')?.reason, 'ContainersNotReady');
  await waitFor('an Unhealthy event', async () => (await reasons(env, 'ready')).some((e) => e.reason === 'Unhealthy' && /Readiness probe failed/.test(e.message ?? '')));
  healthy = true;
  const ready = await podUntil(env.client, 'ready', 'ready', (p) => p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
  t.true(ready.status!.containerStatuses![0]!.ready);
  t.is(ready.status!.containerStatuses![0]!.restartCount, 0, 'readiness never restarts');
});

test('a failing liveness probe restarts the container; httpGet and tcpSocket probes reach the pod', async (t) => {
  const env = await startAgentEnv(t);
  let alive = true;
  const http = createServer((_req, res) => {
    res.writeHead(alive ? 200 : 500);
    res.end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const tcp = createTcpServer((s) => s.destroy());
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    http.close();
    tcp.close();
  });
  const httpPort = (http.address() as { port: number }).port;
  const tcpPort = (tcp.address() as { port: number }).port;
  await createPod(
    env.client,
    pod('live', {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ports: [{ name: 'web', containerPort: httpPort }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'web' }, periodSeconds: 1, failureThreshold: 2 },
          readinessProbe: { tcpSocket: { port: tcpPort }, periodSeconds: 1 },
        },
      ],
    }),
  );
  await podUntil(env.client, 'live', 'ready through tcpSocket', (p) => p.status?.containerStatuses?.[0]?.ready === true);
  alive = false;
  const restarted = await podUntil(env.client, 'live', 'restarted by liveness', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 15_000);
  t.truthy(restarted.status!.containerStatuses![0]!.lastState?.terminated);
  alive = true;
  const events = await reasons(env, 'live');
  t.true(events.some((e) => e.reason === 'Unhealthy' && /Liveness probe failed: HTTP probe failed with statuscode: 500/.test(e.message ?? '')));
  t.true(events.some((e) => e.reason === 'Killing' && /failed liveness probe, will be restarted/.test(e.message ?? '')));
  await podUntil(env.client, 'live', 'running again', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined);
});

test('deletion: preStop runs, the container gets the rest of the grace period, the agent confirms the delete', async (t) => {
  const env = await startAgentEnv(t);
  const order: string[] = [];
  env.runtime.execHandler = async (_c, options) => {
    if (options.command[0] !== 'drain') return undefined;
    order.push('preStop');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    return 0;
  };
  env.runtime.script('stubborn:1', { ignoreTerm: true });
  const stop = env.runtime.stopContainer.bind(env.runtime);
  const stopped: { name: string; timeout: number; at: number }[] = [];
  env.runtime.stopContainer = async (id, timeout) => {
    const name = env.runtime.containers.get(id)?.config.name ?? id;
    if (env.runtime.containers.get(id)?.state === 'CONTAINER_RUNNING') order.push(`stop ${name}`);
    stopped.push({ name, timeout, at: Date.now() });
    return stop(id, timeout);
  };
  const created = await createPod(
    env.client,
    pod('graceful', {
      terminationGracePeriodSeconds: 3,
      containers: [{ name: 'app', image: 'stubborn:1', lifecycle: { preStop: { exec: { command: ['drain'] } } } }],
    }),
  );
  await podUntil(env.client, 'graceful', 'Running', (p) => p.status?.phase === 'Running');
  const began = Date.now();
  await env.client.delete(PODS, 'graceful', { namespace: 'default' });
  const marked = await getPod(env.client, 'graceful');
  t.truthy(marked.metadata.deletionTimestamp, 'a bound pod waits for its agent');
  await waitFor('the pod gone', async () => {
    try {
      await getPod(env.client, 'graceful');
      return false;
    } catch (err) {
      return (err as { code?: number }).code === 404;
    }
  }, 15_000);
  const took = Date.now() - began;
  t.deepEqual(order, ['preStop', 'stop app']);
  const appStop = stopped.find((s) => s.name === 'app')!;
  t.is(appStop.timeout, 2, 'the grace left after the 1 s preStop');
  t.true(took >= 3_000, `the TERM-ignoring container held on for its grace (${took} ms)`);
  t.is([...env.runtime.sandboxes.values()].filter((s) => s.config.uid === created.metadata.uid).length, 0, 'the sandbox is removed');
  t.is(env.runtime.containers.size, 0);
  t.true((await reasons(env, 'graceful')).some((e) => e.reason === 'Killing'));
});

test('a failing postStart hook kills the container (FailedPostStartHook) and it is restarted', async (t) => {
  const env = await startAgentEnv(t);
  let fail = true;
  env.runtime.execHandler = (_c, options) => (options.command[0] === 'setup' ? (fail ? 1 : 0) : undefined);
  await createPod(env.client, pod('hooked', { containers: [{ name: 'app', image: 'nginx:1.25', lifecycle: { postStart: { exec: { command: ['setup'] } } } }] }));
  await waitFor('FailedPostStartHook', async () => (await reasons(env, 'hooked')).some((e) => e.reason === 'FailedPostStartHook'));
  fail = false;
  const running = await podUntil(env.client, 'hooked', 'running after a restart', (p) => p.status?.containerStatuses?.[0]?.state?.running !== undefined && (p.status.containerStatuses[0]!.restartCount ?? 0) >= 1);
  t.is(running.status?.phase, 'Running');
});

test('a startup probe holds liveness and readiness back until it succeeds', async (t) => {
  const env = await startAgentEnv(t);
  let up = false;
  const probed: string[] = [];
  env.runtime.execHandler = (_c, options) => {
    const [cmd] = options.command;
    if (cmd !== 'started' && cmd !== 'alive') return undefined;
    probed.push(cmd);
    return cmd === 'started' ? (up ? 0 : 1) : 0;
  };
  await createPod(
    env.client,
    pod('slow', {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          startupProbe: { exec: { command: ['started'] }, periodSeconds: 1, failureThreshold: 30 },
          livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1 },
        },
      ],
    }),
  );
  const starting = await podUntil(env.client, 'slow', 'Running', (p) => p.status?.phase === 'Running');
  t.false(starting.status!.containerStatuses![0]!.started);
  t.false(starting.status!.containerStatuses![0]!.ready);
  await waitFor('two startup probes', () => probed.filter((p) => p === 'started').length >= 2);
  t.false(probed.includes('alive'), 'no liveness probe before startup succeeded');
  up = true;
  const started = await podUntil(env.client, 'slow', 'started and ready', (p) => p.status?.containerStatuses?.[0]?.started === true && p.status.containerStatuses[0]!.ready);
  t.is(started.status!.containerStatuses![0]!.restartCount, 0);
  await waitFor('liveness probes now', () => probed.includes('alive'));
});
