// The Job controller through the real API: the test plays the node agent by writing Pod status.
import test from 'ava';
import { informerFor, type Pod } from '@corral/core';
import type { TestControlPlane } from '@corral/core/testing';
import { eventReasons, getJob, isActivePod, JOBS, jobManifest, PODS, podsOfJob, setPodPhase, startBatchControlPlane, waitFor } from './cluster.js';

let cp: TestControlPlane;

test.before(async () => {
  cp = await startBatchControlPlane();
});

test.after.always(async () => {
  await cp?.stop();
});

function condition(job: { status?: { conditions?: { type: string; status: string; reason?: string }[] } }, type: string) {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

test('completions 5, parallelism 2: never more than 2 active, then Complete with 5 succeeded', async (t) => {
  const name = 'five-by-two';
  const watcher = informerFor<Pod>(cp.client, PODS, { namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}` });
  let maxActive = 0;
  const check = () => {
    maxActive = Math.max(maxActive, watcher.cache.list().filter(isActivePod).length);
  };
  watcher.onAdd(check);
  watcher.onUpdate(check);
  watcher.onDelete(check);
  watcher.start();
  try {
    await watcher.waitForSync();
    await cp.client.create(JOBS, jobManifest(name, { completions: 5, parallelism: 2 }), { namespace: 'default' });
    let finished = 0;
    while (finished < 5) {
      const active = await waitFor('an active pod', async () => (await podsOfJob(cp.client, name)).filter(isActivePod)[0]);
      await setPodPhase(cp.client, active, 'Running');
      await setPodPhase(cp.client, active, 'Succeeded');
      finished++;
    }
    const job = await waitFor('the Job to complete', async () => {
      const j = await getJob(cp.client, name);
      return condition(j, 'Complete') ? j : undefined;
    });
    t.is(job.status?.succeeded, 5);
    t.is(job.status?.active, 0);
    t.deepEqual(job.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': job.metadata.uid! } }, 'generated at create');
    t.truthy(job.status?.startTime);
    t.truthy(job.status?.completionTime);
    const all = await podsOfJob(cp.client, name);
    t.is(all.length, 5, 'one pod per completion, none extra');
    t.true(maxActive <= 2, `at most 2 pods were active at once, saw ${maxActive}`);
    t.is(maxActive, 2);
    for (const pod of all) {
      t.is(pod.metadata.ownerReferences?.[0]?.uid, job.metadata.uid);
      t.is(pod.metadata.labels?.['controller-uid'], job.metadata.uid);
      t.is(pod.metadata.labels?.['job-name'], name);
    }
    const reasons = await waitFor('the Completed event', async () => {
      const r = await eventReasons(cp.client, job);
      return r.includes('Completed') ? r : undefined;
    });
    t.true(reasons.includes('SuccessfulCreate'));
  } finally {
    await watcher.stop();
  }
});

test('failures past backoffLimit: Failed with BackoffLimitExceeded, failed pods replaced until then', async (t) => {
  const name = 'always-fails';
  await cp.client.create(JOBS, jobManifest(name, { backoffLimit: 2 }), { namespace: 'default' });
  for (let attempt = 0; attempt < 3; attempt++) {
    const pod = await waitFor(`attempt ${attempt + 1}'s pod`, async () => (await podsOfJob(cp.client, name)).filter(isActivePod)[0]);
    await setPodPhase(cp.client, pod, 'Failed');
  }
  const job = await waitFor('the Job to fail', async () => {
    const j = await getJob(cp.client, name);
    return condition(j, 'Failed') ? j : undefined;
  });
  t.is(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
  t.is(job.status?.failed, 3);
  t.is(job.status?.active, 0);
  const pods = await podsOfJob(cp.client, name);
  t.is(pods.length, 3);
  t.is(pods.filter(isActivePod).length, 0);
  await waitFor('the BackoffLimitExceeded event', async () => (await eventReasons(cp.client, job)).includes('BackoffLimitExceeded'));
});

test('restartPolicy OnFailure: container restarts count toward backoffLimit', async (t) => {
  const name = 'restarts';
  const manifest = jobManifest(name, { backoffLimit: 2 });
  manifest.spec.template.spec.restartPolicy = 'OnFailure';
  await cp.client.create(JOBS, manifest, { namespace: 'default' });
  const pod = await waitFor('the pod', async () => (await podsOfJob(cp.client, name))[0]);
  await setPodPhase(cp.client, pod, 'Running', 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.falsy(condition(await getJob(cp.client, name), 'Failed'), 'one restart is within the limit');
  await setPodPhase(cp.client, pod, 'Running', 2);
  const job = await waitFor('the Job to fail', async () => {
    const j = await getJob(cp.client, name);
    return condition(j, 'Failed') ? j : undefined;
  });
  t.is(condition(job, 'Failed')?.reason, 'BackoffLimitExceeded');
  await waitFor('the running pod to be deleted', async () => (await podsOfJob(cp.client, name)).filter(isActivePod).length === 0);
});

test('activeDeadlineSeconds: the Job fails with DeadlineExceeded and its pods are deleted', async (t) => {
  const name = 'deadline';
  await cp.client.create(JOBS, jobManifest(name, { activeDeadlineSeconds: 1, parallelism: 2, completions: 4 }), { namespace: 'default' });
  const running = await waitFor('two pods', async () => {
    const pods = await podsOfJob(cp.client, name);
    return pods.length === 2 ? pods : undefined;
  });
  for (const pod of running) await setPodPhase(cp.client, pod, 'Running');
  const job = await waitFor('the deadline', async () => {
    const j = await getJob(cp.client, name);
    return condition(j, 'Failed') ? j : undefined;
  });
  t.is(condition(job, 'Failed')?.reason, 'DeadlineExceeded');
  t.is(job.status?.active, 0);
  await waitFor('the pods to be deleted', async () => (await podsOfJob(cp.client, name)).filter(isActivePod).length === 0);
  await waitFor('the DeadlineExceeded event', async () => (await eventReasons(cp.client, job)).includes('DeadlineExceeded'));
});

test('suspend deletes the active pods; resume starts them again and the Job completes', async (t) => {
  const name = 'pausable';
  await cp.client.create(JOBS, jobManifest(name, { completions: 2, parallelism: 2 }), { namespace: 'default' });
  await waitFor('two pods', async () => (await podsOfJob(cp.client, name)).filter(isActivePod).length === 2);

  await cp.client.patch(JOBS, name, { spec: { suspend: true } }, 'merge', { namespace: 'default' });
  const suspended = await waitFor('the Suspended condition', async () => {
    const j = await getJob(cp.client, name);
    return condition(j, 'Suspended') && j.status?.active === 0 ? j : undefined;
  });
  t.is(suspended.status?.conditions?.find((c) => c.type === 'Suspended')?.reason, 'JobSuspended');
  await waitFor('the pods to be deleted', async () => (await podsOfJob(cp.client, name)).filter(isActivePod).length === 0);

  await cp.client.patch(JOBS, name, { spec: { suspend: false } }, 'merge', { namespace: 'default' });
  const fresh = await waitFor('new pods', async () => {
    const active = (await podsOfJob(cp.client, name)).filter(isActivePod);
    return active.length === 2 ? active : undefined;
  });
  for (const pod of fresh) await setPodPhase(cp.client, pod, 'Succeeded');
  const job = await waitFor('completion', async () => {
    const j = await getJob(cp.client, name);
    return condition(j, 'Complete') ? j : undefined;
  });
  t.is(job.status?.succeeded, 2);
  t.is(job.status?.conditions?.find((c) => c.type === 'Suspended')?.status, 'False');
  const reasons = await eventReasons(cp.client, job);
  t.true(reasons.includes('Suspended') && reasons.includes('Resumed'), reasons.join(','));
});

test('ttlSecondsAfterFinished: the finished Job is deleted', async (t) => {
  const name = 'short-lived';
  await cp.client.create(JOBS, jobManifest(name, { ttlSecondsAfterFinished: 1 }), { namespace: 'default' });
  const pod = await waitFor('the pod', async () => (await podsOfJob(cp.client, name))[0]);
  await setPodPhase(cp.client, pod, 'Succeeded');
  await waitFor('completion', async () => condition(await getJob(cp.client, name), 'Complete'));
  await waitFor('the Job to be deleted', async () => {
    try {
      await getJob(cp.client, name);
      return false;
    } catch {
      return true;
    }
  });
  const gone = await t.throwsAsync(getJob(cp.client, name));
  t.regex(gone!.message, /not found/);
});
