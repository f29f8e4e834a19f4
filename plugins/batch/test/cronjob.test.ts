// The CronJob controller through the real API, its time driven by a manual clock.
import test, { type ExecutionContext } from 'ava';
import { startControllerManager, type CronJob, type Job } from '@corral/core';
import { EXIT_CODE_ANNOTATION, ManualClock, RUN_MS_ANNOTATION, type TestControlPlane } from '@corral/core/testing';
import { SCHEDULED_TIMESTAMP_ANNOTATION } from '../src/cronjob/jobForCronJob.js';
import { toTimestamp } from '../src/time.js';
import {
  CRONJOBS,
  cronJobManifest,
  eventReasons,
  getJob,
  isActivePod,
  jobsOfCronJob,
  podsOfJob,
  setPodPhase,
  startBatchControlPlane,
  waitFor,
} from './cluster.js';

const MIN = 60_000;

interface Plane {
  cp: TestControlPlane;
  clock: ManualClock;
}

async function withPlane(t: ExecutionContext, fn: (plane: Plane) => Promise<void>, hollow?: number): Promise<void> {
  const clock = new ManualClock(Date.now());
  const cp = await startBatchControlPlane({ clock, ...(hollow ? { hollow } : {}) });
  try {
    await fn({ cp, clock });
  } finally {
    await cp.stop();
  }
}

async function createCronJob(cp: TestControlPlane, manifest: CronJob): Promise<CronJob> {
  return cp.client.create(CRONJOBS, manifest, { namespace: 'default' });
}

async function getCronJob(cp: TestControlPlane, name: string): Promise<CronJob> {
  return cp.client.get<CronJob>(CRONJOBS, name, { namespace: 'default' });
}

/** The first whole minute after the CronJob's creation: its first run time. */
function firstRun(cronJob: CronJob): number {
  return (Math.floor(Date.parse(cronJob.metadata.creationTimestamp!) / MIN) + 1) * MIN;
}

/** Moves the clock to one second past `at` (and not back). */
function advanceTo(clock: ManualClock, at: number): void {
  clock.advance(Math.max(0, at + 1000 - clock.now()));
}

function jobName(cronJob: CronJob, at: number): string {
  return `${cronJob.metadata.name}-${at / MIN}`;
}

async function waitForJobs(cp: TestControlPlane, cronJob: CronJob, count: number, what: string): Promise<Job[]> {
  return waitFor(what, async () => {
    const jobs = await jobsOfCronJob(cp.client, cronJob);
    return jobs.length === count ? jobs : undefined;
  });
}

/** Plays the agent for every active pod of `job`: they succeed. */
async function finishJob(cp: TestControlPlane, job: Job, phase: 'Succeeded' | 'Failed' = 'Succeeded'): Promise<void> {
  const pods = await waitFor(`pods of ${job.metadata.name}`, async () => {
    const list = (await podsOfJob(cp.client, job.metadata.name!)).filter(isActivePod);
    return list.length > 0 ? list : undefined;
  });
  for (const pod of pods) await setPodPhase(cp.client, pod, phase);
}

async function waitForJobCondition(cp: TestControlPlane, name: string, type: 'Complete' | 'Failed'): Promise<Job> {
  return waitFor(`${name} to be ${type}`, async () => {
    const job = await getJob(cp.client, name);
    return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ? job : undefined;
  });
}

/** Lets the controller act on what it was handed (a short real pause), for checks that nothing happened. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

test.serial('every minute on a manual clock: one Job per run, named, annotated and owned; status follows', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const cronJob = await createCronJob(cp, cronJobManifest('tick'));
    const run1 = firstRun(cronJob);
    await settle();
    t.deepEqual(await jobsOfCronJob(cp.client, cronJob), [], 'nothing before the first run time');

    advanceTo(clock, run1);
    const [job1] = await waitForJobs(cp, cronJob, 1, 'the first Job');
    t.is(job1!.metadata.name, jobName(cronJob, run1));
    t.is(job1!.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], toTimestamp(run1));
    t.like(job1!.metadata.ownerReferences?.[0], { kind: 'CronJob', name: 'tick', uid: cronJob.metadata.uid, controller: true });
    const status = await waitFor('status.active', async () => {
      const cj = await getCronJob(cp, 'tick');
      return cj.status?.active?.length === 1 ? cj.status : undefined;
    });
    t.is(status.lastScheduleTime, toTimestamp(run1));
    t.is(status.active?.[0]?.uid, job1!.metadata.uid);

    await finishJob(cp, job1!);
    await waitForJobCondition(cp, job1!.metadata.name!, 'Complete');
    const done = await waitFor('lastSuccessfulTime', async () => {
      const cj = await getCronJob(cp, 'tick');
      return cj.status?.lastSuccessfulTime && !cj.status.active ? cj.status : undefined;
    });
    t.truthy(done.lastSuccessfulTime);

    advanceTo(clock, run1 + MIN);
    const jobs = await waitForJobs(cp, cronJob, 2, 'the second Job');
    t.deepEqual(jobs.map((j) => j.metadata.name), [jobName(cronJob, run1), jobName(cronJob, run1 + MIN)].sort());
    await settle();
    t.is((await jobsOfCronJob(cp.client, cronJob)).length, 2, 'no Job twice for one run');
    t.true((await eventReasons(cp.client, cronJob)).includes('SuccessfulCreate'));
  }));

test.serial('Allow runs Jobs side by side; Forbid skips while one runs and starts the run once it finished', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const allow = await createCronJob(cp, cronJobManifest('allow', { concurrencyPolicy: 'Allow' }));
    const forbid = await createCronJob(cp, cronJobManifest('forbid', { concurrencyPolicy: 'Forbid' }));
    const run1 = Math.max(firstRun(allow), firstRun(forbid));
    advanceTo(clock, run1);
    await waitForJobs(cp, allow, 1, 'allow: the first Job');
    const [first] = await waitForJobs(cp, forbid, 1, 'forbid: the first Job');

    advanceTo(clock, run1 + MIN);
    await waitForJobs(cp, allow, 2, 'allow: a second Job beside the first');
    await waitFor('the JobAlreadyActive event', async () => (await eventReasons(cp.client, forbid)).includes('JobAlreadyActive'));
    t.is((await jobsOfCronJob(cp.client, forbid)).length, 1, 'forbid: no second Job while the first runs');

    await finishJob(cp, first!);
    const jobs = await waitForJobs(cp, forbid, 2, 'forbid: the waiting run starts after the first finished');
    t.true(jobs.some((j) => j.metadata.name === jobName(forbid, run1 + MIN)));
  }));

test.serial('Replace deletes the running Job and starts the new one', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const cronJob = await createCronJob(cp, cronJobManifest('replace', { concurrencyPolicy: 'Replace' }));
    const run1 = firstRun(cronJob);
    advanceTo(clock, run1);
    const [first] = await waitForJobs(cp, cronJob, 1, 'the first Job');
    advanceTo(clock, run1 + MIN);
    const [second] = await waitFor('the first replaced by the second', async () => {
      const jobs = (await jobsOfCronJob(cp.client, cronJob)).filter((j) => !j.metadata.deletionTimestamp);
      return jobs.length === 1 && jobs[0]!.metadata.name !== first!.metadata.name ? jobs : undefined;
    });
    t.is(second!.metadata.name, jobName(cronJob, run1 + MIN));
    const status = await waitFor('status.active on the new Job', async () => {
      const cj = await getCronJob(cp, 'replace');
      return cj.status?.active?.length === 1 && cj.status.active[0]!.uid === second!.metadata.uid ? cj.status : undefined;
    });
    t.is(status.lastScheduleTime, toTimestamp(run1 + MIN));
    t.true((await eventReasons(cp.client, cronJob)).includes('SuccessfulDelete'));
  }));

test.serial('history limits keep the newest successful and failed Jobs', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const cronJob = await createCronJob(cp, cronJobManifest('history', { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1 }));
    cronJob.spec.jobTemplate.spec.backoffLimit = 0;
    await cp.client.patch(CRONJOBS, 'history', { spec: { jobTemplate: { spec: { backoffLimit: 0 } } } }, 'merge', { namespace: 'default' });
    const run1 = firstRun(cronJob);
    const outcomes: ('Succeeded' | 'Failed')[] = ['Succeeded', 'Succeeded', 'Failed', 'Failed', 'Succeeded'];
    for (const [i, outcome] of outcomes.entries()) {
      advanceTo(clock, run1 + i * MIN);
      const name = jobName(cronJob, run1 + i * MIN);
      const job = await waitFor(`run ${i + 1}`, async () => getJob(cp.client, name));
      await finishJob(cp, job, outcome);
      await waitForJobCondition(cp, name, outcome === 'Succeeded' ? 'Complete' : 'Failed');
    }
    // The cleanup runs on the CronJob's next sync after the last Job finished.
    const left = await waitFor('the history to shrink to the limits', async () => {
      const jobs = (await jobsOfCronJob(cp.client, cronJob)).filter((j) => !j.metadata.deletionTimestamp);
      return jobs.length === 2 ? jobs : undefined;
    });
    t.deepEqual(left.map((j) => j.metadata.name).sort(), [jobName(cronJob, run1 + 3 * MIN), jobName(cronJob, run1 + 4 * MIN)].sort());
  }));

test.serial('suspend: no Jobs while suspended; on resume the most recent missed run starts', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const cronJob = await createCronJob(cp, cronJobManifest('paused', { suspend: true }));
    const run1 = firstRun(cronJob);
    advanceTo(clock, run1 + 2 * MIN);
    await settle();
    t.deepEqual(await jobsOfCronJob(cp.client, cronJob), []);
    await cp.client.patch(CRONJOBS, 'paused', { spec: { suspend: false } }, 'merge', { namespace: 'default' });
    const [job] = await waitForJobs(cp, cronJob, 1, 'the Job after resume');
    t.is(job!.metadata.name, jobName(cronJob, run1 + 2 * MIN));
  }));

test.serial('restart safety: a new controller manager never starts a second Job for the same run', (t) =>
  withPlane(t, async ({ cp, clock }) => {
    const cronJob = await createCronJob(cp, cronJobManifest('restart', { concurrencyPolicy: 'Allow' }));
    const run1 = firstRun(cronJob);
    advanceTo(clock, run1);
    const [job] = await waitForJobs(cp, cronJob, 1, 'the first Job');
    await waitFor('status written', async () => (await getCronJob(cp, 'restart')).status?.lastScheduleTime);
    await cp.controllers!.stop();

    // As if the process died between creating the Job and writing the CronJob's status.
    const current = await getCronJob(cp, 'restart');
    await cp.client.updateStatus(CRONJOBS, { ...current, status: {} }, { namespace: 'default' });

    const again = await startControllerManager({ corral: cp.corral, client: cp.client, clock });
    try {
      const status = await waitFor('the restarted controller to adopt the existing Job', async () => {
        const cj = await getCronJob(cp, 'restart');
        return cj.status?.lastScheduleTime && cj.status.active?.length === 1 ? cj.status : undefined;
      });
      t.is(status.active?.[0]?.uid, job!.metadata.uid);
      t.is(status.lastScheduleTime, toTimestamp(run1));
      await settle();
      t.deepEqual((await jobsOfCronJob(cp.client, cronJob)).map((j) => j.metadata.uid), [job!.metadata.uid]);
    } finally {
      await again.stop();
    }
  }));

test.serial('an invalid schedule is refused by the API at create', (t) =>
  withPlane(t, async ({ cp }) => {
    const error = await t.throwsAsync(createCronJob(cp, cronJobManifest('bad', { schedule: '61 * * * *' })));
    t.regex(error!.message, /spec\.schedule/);
  }));

test.serial('on hollow nodes: the scheduled Job runs to completion and the CronJob records the success', (t) =>
  withPlane(
    t,
    async ({ cp, clock }) => {
      const manifest = cronJobManifest('hollow-cron');
      manifest.spec.jobTemplate.spec.template.metadata = { annotations: { [EXIT_CODE_ANNOTATION]: '0', [RUN_MS_ANNOTATION]: '50' } };
      const cronJob = await createCronJob(cp, manifest);
      advanceTo(clock, firstRun(cronJob));
      const [job] = await waitForJobs(cp, cronJob, 1, 'the Job');
      const done = await waitForJobCondition(cp, job!.metadata.name!, 'Complete');
      t.is(done.status?.succeeded, 1);
      const status = await waitFor('lastSuccessfulTime', async () => {
        const cj = await getCronJob(cp, 'hollow-cron');
        return cj.status?.lastSuccessfulTime && !cj.status.active ? cj.status : undefined;
      });
      t.is(status.lastScheduleTime, toTimestamp(firstRun(cronJob)));
    },
    1,
  ));
