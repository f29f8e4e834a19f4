// Restart policies and the crash-loop back-off; image pull policies.
import test from 'ava';
import { createPod, FAST, pod, podUntil, startAgentEnv } from './helpers.js';

test('restartPolicy Always restarts a crashing container with a growing back-off (CrashLoopBackOff)', async (t) => {
  const env = await startAgentEnv(t, { timing: { ...FAST, backoffInitialMs: 1_000, backoffMaxMs: 4_000 } });
  env.runtime.script('crash:1', { exitAfterMs: 50, exitCode: 2, logs: ['booting', 'oops'] });
  const starts: number[] = [];
  const start = env.runtime.startContainer.bind(env.runtime);
  env.runtime.startContainer = async (id) => {
    starts.push(Date.now());
    return start(id);
  };
  await createPod(env.client, pod('crashy', { containers: [{ name: 'app', image: 'crash:1' }] }));
  const looping = await podUntil(env.client, 'crashy', 'CrashLoopBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
  const s = looping.status!.containerStatuses![0]!;
  t.is(looping.status?.phase, 'Running');
  t.regex(s.state!.waiting!.message!, /back-off \d+s restarting failed container=app pod=crashy_default/);
  t.is(s.lastState?.terminated?.exitCode, 2);
  t.is(s.lastState?.terminated?.reason, 'Error');
  t.false(s.ready);
  await podUntil(env.client, 'crashy', 'three restarts', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 3, 15_000);
  // The first restart comes at once; then each waits 1 s, 2 s... after the exit (50 ms after its start).
  const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
  t.true(gaps[0]! < 1_000, `gaps ${gaps.join(', ')}`);
  t.true(gaps[1]! >= 1_000, `gaps ${gaps.join(', ')}`);
  t.true(gaps[2]! >= 2_000, `gaps ${gaps.join(', ')}`);
  // Only the current and the previous instance are kept.
  t.true(env.runtime.containersOf('app').length <= 2);
});

test('restartPolicy OnFailure: restarts failures, a success ends the pod Succeeded', async (t) => {
  const env = await startAgentEnv(t);
  env.runtime.script('job:1', { exitAfterMs: 50, exitCode: 0 });
  env.runtime.script('flaky:1', { exitAfterMs: 50, exitCode: 1 });
  await createPod(env.client, pod('job', { restartPolicy: 'OnFailure', containers: [{ name: 'work', image: 'job:1' }] }));
  const done = await podUntil(env.client, 'job', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  t.is(done.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
  t.is(done.status?.containerStatuses?.[0]?.restartCount, 0);
  t.is(done.status?.conditions?.find((c) => c.type === 'Ready')?.reason, 'PodCompleted');
  t.is(env.runtime.calls.filter((c) => c === 'startContainer work').length, 1);

  await createPod(env.client, pod('flaky', { restartPolicy: 'OnFailure', containers: [{ name: 'work2', image: 'flaky:1' }] }));
  await podUntil(env.client, 'flaky', 'restarted after failing', (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1);
});

test('restartPolicy Never: a failed container fails the pod; a failed init container too', async (t) => {
  const env = await startAgentEnv(t);
  env.runtime.script('fail:1', { exitAfterMs: 50, exitCode: 3 });
  env.runtime.script('ok:1', { exitAfterMs: 50, exitCode: 0 });
  await createPod(env.client, pod('once', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'fail:1' }] }));
  const failed = await podUntil(env.client, 'once', 'Failed', (p) => p.status?.phase === 'Failed');
  t.is(failed.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  t.is(env.runtime.calls.filter((c) => c === 'startContainer app').length, 1);

  await createPod(env.client, pod('badinit', { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'fail:1' }], containers: [{ name: 'main', image: 'ok:1' }] }));
  const initFailed = await podUntil(env.client, 'badinit', 'Failed', (p) => p.status?.phase === 'Failed');
  t.is(initFailed.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 3);
  t.false(env.runtime.calls.includes('startContainer main'), 'the app container never starts');

  await createPod(env.client, pod('fine', { restartPolicy: 'Never', containers: [{ name: 'fine', image: 'ok:1' }] }));
  await podUntil(env.client, 'fine', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
  // A finished pod's sandbox is stopped.
  const sandbox = [...env.runtime.sandboxes.values()].find((s) => s.config.name === 'fine')!;
  await podUntil(env.client, 'fine', 'sandbox stopped', () => sandbox.state === 'SANDBOX_NOTREADY');
  t.is(sandbox.state, 'SANDBOX_NOTREADY');
  t.false([...env.runtime.sandboxes.values()].some((s) => s.config.name === 'fine' && s.state === 'SANDBOX_READY'), 'no sandbox of the pod is left running');
});

test('image pull policies: Never without the image waits in ErrImageNeverPull; a failing pull backs off', async (t) => {
  const env = await startAgentEnv(t);
  await createPod(env.client, pod('never', { containers: [{ name: 'app', image: 'local:1', imagePullPolicy: 'Never' }] }));
  const never = await podUntil(env.client, 'never', 'ErrImageNeverPull', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ErrImageNeverPull');
  t.regex(never.status!.containerStatuses![0]!.state!.waiting!.message!, /not present with pull policy of Never/);
  t.false(env.runtime.calls.includes('pullImage local:1'));

  env.runtime.unpullable.add('private/app:1');
  await createPod(env.client, pod('denied', { containers: [{ name: 'app', image: 'private/app:1' }] }));
  await podUntil(env.client, 'denied', 'ImagePullBackOff', (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff');
  env.runtime.unpullable.delete('private/app:1');
  await podUntil(env.client, 'denied', 'Running once the pull works', (p) => p.status?.phase === 'Running');

  // IfNotPresent with the image there pulls nothing; Always pulls every time.
  env.runtime.images.add('present:1');
  await createPod(env.client, pod('present', { containers: [{ name: 'app', image: 'present:1', imagePullPolicy: 'IfNotPresent' }, { name: 'fresh', image: 'present:1', imagePullPolicy: 'Always' }] }));
  await podUntil(env.client, 'present', 'Running', (p) => p.status?.phase === 'Running');
  t.is(env.runtime.calls.filter((c) => c === 'pullImage present:1').length, 1);
});
