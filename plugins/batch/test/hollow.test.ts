// Jobs end to end on hollow nodes: the scheduler binds the pods and the hollow agent
// runs them, ending each as its annotations say (exit code, run time).
import test from 'ava';
import { informerFor, type Job, type Pod } from '@corral/core';
import { EXIT_CODE_ANNOTATION, RUN_MS_ANNOTATION, type TestControlPlane } from '@corral/core/testing';
import { getJob, isActivePod, JOBS, jobManifest, PODS, podsOfJob, startBatchControlPlane, waitFor } from './cluster.js';

let cp: TestControlPlane;

// A real clock: the agent stamps pod times with it, and the failure backoff counts from them.
test.before(async () => {
  cp = await startBatchControlPlane({ hollow: 2 });
});

test.after.always(async () => {
  await cp?.stop();
});

/** A Job whose pods exit with `exitCode` after `runMs` on the hollow nodes. */
function hollowJob(name: string, exitCode: number, runMs: number, spec: Partial<Job['spec']> = {}): Job {
  const job = jobManifest(name, spec);
  job.spec.template.metadata!.annotations = { [EXIT_CODE_ANNOTATION]: String(exitCode), [RUN_MS_ANNOTATION]: String(runMs) };
  return job;
}

function failedReason(job: Job): string | undefined {
  return job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True')?.reason;
}

async function waitForFinish(name: string): Promise<Job> {
  return waitFor(`Job ${name} to finish`, async () => {
    const job = await getJob(cp.client, name);
    return job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ? job : undefined;
  }, 30_000);
}

test('completions 5, parallelism 2 on hollow nodes: at most 2 active at every pod event, then Complete', async (t) => {
  const name = 'hollow-five';
  const watcher = informerFor<Pod>(cp.client, PODS, { namespace: 'default', labelSelector: `job-name=${name}` });
  const seen: number[] = [];
  const record = () => seen.push(watcher.cache.list().filter(isActivePod).length);
  watcher.onAdd(record);
  watcher.onUpdate(record);
  watcher.onDelete(record);
  watcher.start();
  try {
    await watcher.waitForSync();
    await cp.client.create(JOBS, hollowJob(name, 0, 150, { completions: 5, parallelism: 2 }), { namespace: 'default' });
    const job = await waitForFinish(name);
    t.truthy(job.status?.conditions?.find((c) => c.type === 'Complete' && c.status === 'True'));
    t.is(job.status?.succeeded, 5);
    t.is(job.status?.active, 0);
    const pods = await podsOfJob(cp.client, name);
    t.is(pods.length, 5);
    t.true(pods.every((p) => p.status?.phase === 'Succeeded' && p.spec.nodeName?.startsWith('hollow-node-')));
    t.true(seen.length >= 15, `every pod was seen created, running and ending (${seen.length} events)`);
    t.is(Math.max(...seen), 2, `active pods at each event: ${seen.join(',')}`);
  } finally {
    await watcher.stop();
  }
});

test('pods that keep failing end the Job with BackoffLimitExceeded', async (t) => {
  const name = 'hollow-fails';
  await cp.client.create(JOBS, hollowJob(name, 1, 20, { backoffLimit: 2 }), { namespace: 'default' });
  const job = await waitForFinish(name);
  t.is(failedReason(job), 'BackoffLimitExceeded');
  t.is(job.status?.failed, 3);
  const pods = await podsOfJob(cp.client, name);
  t.is(pods.filter((p) => p.status?.phase === 'Failed').length, 3, 'each failed pod was replaced by a new one');
});

test('restartPolicy OnFailure: the agent restarts in place and the restarts reach backoffLimit', async (t) => {
  const name = 'hollow-restarts';
  const manifest = hollowJob(name, 1, 20, { backoffLimit: 2 });
  manifest.spec.template.spec.restartPolicy = 'OnFailure';
  await cp.client.create(JOBS, manifest, { namespace: 'default' });
  const job = await waitForFinish(name);
  t.is(failedReason(job), 'BackoffLimitExceeded');
  await waitFor('the restarting pod to be deleted', async () => (await podsOfJob(cp.client, name)).filter(isActivePod).length === 0);
});

test('activeDeadlineSeconds on hollow nodes: DeadlineExceeded, and the agent finishes the pods off', async (t) => {
  const name = 'hollow-deadline';
  await cp.client.create(JOBS, hollowJob(name, 0, 60_000, { activeDeadlineSeconds: 1, completions: 3, parallelism: 3 }), { namespace: 'default' });
  const job = await waitForFinish(name);
  t.is(failedReason(job), 'DeadlineExceeded');
  t.is(job.status?.active, 0);
  t.is(job.status?.failed, 3, 'the pods stopped at the deadline count as failed');
  await waitFor('the pods to be gone', async () => (await podsOfJob(cp.client, name)).length === 0);
});
