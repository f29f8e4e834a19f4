// examples/batch through `corral up`, with the README's commands: the Job runs five pods, never
// more than two at a time, each printing a sum that is checked here; the CronJob starts a Job at
// the next minute boundary that completes, and its history limit removes the oldest finished Job.
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { PODS, newControllerRef, type CronJob, type Job, type Pod, type ResourceRef } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startDrillCluster } from './support/drill-cluster.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/batch/', import.meta.url));
const JOBS: ResourceRef = { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, kind: 'Job' };
const CRONJOBS: ResourceRef = { group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true, kind: 'CronJob' };

const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const complete = (j: Job) => j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ?? false;

test('examples/batch: a Job of 5 completions 2 at a time, and a CronJob every minute', async (t) => {
  const cluster = await startDrillCluster();
  t.teardown(() => cluster.stop());
  const { client } = cluster;

  // Every pod of the Job as the watch saw it, to check how many were active at once.
  const list = await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'job-name=squares' });
  const watch = client.watch<Pod>(PODS, { namespace: 'default', labelSelector: 'job-name=squares', resourceVersion: list.metadata.resourceVersion });
  t.teardown(() => watch.stop());
  const active = new Set<string>();
  let mostActive = 0;
  const watching = (async () => {
    for await (const event of watch) {
      const pod = event.object;
      if (event.type === 'DELETED' || terminal(pod)) active.delete(pod.metadata.uid!);
      else if (event.type !== 'BOOKMARK') active.add(pod.metadata.uid!);
      mostActive = Math.max(mostActive, active.size);
    }
  })();

  // The CronJob first: the Job example runs while it waits for the minute.
  const cron = await cluster.cli(['apply', '-f', `${EXAMPLE}cronjob.yaml`]);
  t.is(cron.code, 0, cron.stderr);
  t.regex(cron.stdout, /cronjob\.batch\/clock created/);
  const applied = await cluster.cli(['apply', '-f', `${EXAMPLE}job.yaml`]);
  t.is(applied.code, 0, applied.stderr);
  t.regex(applied.stdout, /job\.batch\/squares created/);

  // Two finished runs from "before", owned by the CronJob, so the history limit (2) has
  // something to remove once the scheduled run completes.
  const cronJob = await client.get<CronJob>(CRONJOBS, 'clock', { namespace: 'default' });
  // One after the other, so their start times order them as their names do.
  for (const name of ['clock-old-1', 'clock-old-2']) {
    await client.create<Job>(JOBS, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default', ownerReferences: [newControllerRef(cronJob, { apiVersion: 'batch/v1', kind: 'CronJob' })] },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'clock', image: 'busybox', command: ['sh', '-c', 'echo an earlier run'] }] } } },
    });
    await waitFor(`${name} complete`, async () => complete(await client.get<Job>(JOBS, name, { namespace: 'default' })), 30_000);
  }

  const job = await waitFor('squares complete', async () => {
    const j = await client.get<Job>(JOBS, 'squares', { namespace: 'default' });
    return complete(j) ? j : undefined;
  }, 60_000);
  t.is(job.status?.succeeded, 5);
  t.falsy(job.status?.failed);
  const pods = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'job-name=squares' })).items;
  t.is(pods.length, 5);
  t.true(pods.every((p) => p.status?.phase === 'Succeeded'));
  t.is(mostActive, 2, 'parallelism 2: two pods at a time, never more');

  // What `corral logs` shows for each pod: a sum the test checks.
  for (const pod of pods) {
    const logs = await cluster.cli(['logs', pod.metadata.name!]);
    t.is(logs.code, 0, logs.stderr);
    const m = /: the sum of the squares of 1\.\.(\d+) is (\d+)\n$/.exec(logs.stdout);
    t.truthy(m, logs.stdout);
    const n = BigInt(m![1]!);
    t.is(m![2], String((n * (n + 1n) * (2n * n + 1n)) / 6n));
  }
  t.log((await cluster.cli(['get', 'pods', '-l', 'job-name=squares'])).stdout);
  const table = await cluster.cli(['get', 'jobs']);
  t.regex(table.stdout, /squares\s+(Complete\s+)?5\/5/);
  t.log(table.stdout);

  // The scheduled run: created by the CronJob just after a minute boundary, then complete.
  const ownedByCron = (j: Job) => j.metadata.ownerReferences?.some((r) => r.controller && r.uid === cronJob.metadata.uid);
  const scheduled = await waitFor('a Job from the CronJob', async () => {
    const jobs = (await client.list<Job>(JOBS, { namespace: 'default' })).items;
    return jobs.find((j) => ownedByCron(j) && !j.metadata.name!.startsWith('clock-old-'));
  }, 75_000);
  const createdAt = new Date(scheduled.metadata.creationTimestamp!);
  t.true(createdAt.getUTCSeconds() < 10, `created at ${scheduled.metadata.creationTimestamp}, just after a minute boundary`);
  await waitFor(`${scheduled.metadata.name} complete`, async () => complete(await client.get<Job>(JOBS, scheduled.metadata.name!, { namespace: 'default' })), 30_000);
  const tickLogs = await cluster.cli(['logs', `job/${scheduled.metadata.name}`]);
  t.regex(tickLogs.stdout, /^tick at \d\d:\d\d:\d\d UTC\n$/, tickLogs.stderr);
  const cronTable = await cluster.cli(['get', 'cronjobs']);
  t.regex(cronTable.stdout, /clock\s+\* \* \* \* \*/);
  t.log(cronTable.stdout, tickLogs.stdout);

  // successfulJobsHistoryLimit 2: the oldest finished Job goes, with its pod.
  const kept = await waitFor('the history limit applied', async () => {
    const jobs = (await client.list<Job>(JOBS, { namespace: 'default' })).items.filter(ownedByCron);
    return jobs.length === 2 ? jobs : undefined;
  }, 20_000);
  t.deepEqual(kept.map((j) => j.metadata.name).sort(), ['clock-old-2', scheduled.metadata.name].sort());
  await waitFor('the pod of clock-old-1 gone', async () => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'job-name=clock-old-1' })).items.length === 0, 20_000);
  const status = await client.get<CronJob>(CRONJOBS, 'clock', { namespace: 'default' });
  t.truthy(status.status?.lastScheduleTime);

  watch.stop();
  await watching.catch(() => undefined);
});
