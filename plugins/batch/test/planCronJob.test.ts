import test from 'ava';
import { SCHEDULED_TIMESTAMP_ANNOTATION } from '../src/cronjob/jobForCronJob.js';
import { activeRefFor, jobsPastHistoryLimits, planCronJob, type CronJobPlanInput } from '../src/cronjob/planCronJob.js';
import { parseSchedule } from '../src/cronjob/schedule.js';
import { ManualClock } from '@corral/core/testing';
import { childJob, makeCronJob, T0 } from './fixtures.js';

const MIN = 60_000;

function plan(input: Partial<CronJobPlanInput> & Pick<CronJobPlanInput, 'cronJob'>) {
  return planCronJob({ jobs: [], goneJobs: new Set(), now: T0, schedule: parseSchedule(input.cronJob.spec.schedule, 'UTC'), ...input });
}

test('before the first run time: nothing to do, look again just after it', (t) => {
  const p = plan({ cronJob: makeCronJob(), now: T0 + 20_000 });
  t.is(p.createJob, undefined);
  t.is(p.requeueAfterMs, 40_000 + 100);
});

test('at the run time: a Job named after the minute, owned, annotated, with the template', (t) => {
  const cronJob = makeCronJob();
  const p = plan({ cronJob, now: T0 + MIN + 500 });
  const job = p.createJob!;
  t.is(job.metadata.name, `tick-${(T0 + MIN) / MIN}`);
  t.deepEqual(job.metadata.labels, { app: 'tick' });
  t.is(job.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION], '2025-01-01T00:01:00Z');
  t.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
  t.deepEqual(job.spec, cronJob.spec.jobTemplate.spec);
  t.is(p.status.lastScheduleTime, '2025-01-01T00:01:00Z');
  t.is(p.scheduledTime, T0 + MIN);
});

test('a manual clock walks the schedule: one Job per minute, never twice for one minute', (t) => {
  const clock = new ManualClock(T0);
  let cronJob = makeCronJob();
  const names: string[] = [];
  for (let step = 0; step < 10; step++) {
    clock.advance(30_000);
    const p = plan({ cronJob, now: clock.now() });
    if (p.createJob) names.push(p.createJob.metadata.name!);
    cronJob = { ...cronJob, status: { ...p.status, active: [] } };
  }
  t.deepEqual(names, [1, 2, 3, 4, 5].map((m) => `tick-${T0 / MIN + m}`));
});

test('missed runs: only the most recent starts', (t) => {
  const cronJob = makeCronJob({}, { lastScheduleTime: '2025-01-01T00:01:00Z' });
  const p = plan({ cronJob, now: T0 + 7 * MIN + 10_000 });
  t.is(p.scheduledTime, T0 + 7 * MIN);
  t.deepEqual(p.events, []);
});

test('more than 100 missed runs: a TooManyMissedTimes warning, and the latest still runs', (t) => {
  const p = plan({ cronJob: makeCronJob(), now: T0 + 500 * MIN });
  t.deepEqual(p.events.map((e) => [e.type, e.reason]), [['Warning', 'TooManyMissedTimes']]);
  t.is(p.scheduledTime, T0 + 500 * MIN);
});

test('startingDeadlineSeconds: a run missed by longer is skipped, and old misses are not counted', (t) => {
  const cronJob = makeCronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 60 });
  const late = plan({ cronJob, now: T0 + 3600_000 + 2 * MIN });
  t.is(late.createJob, undefined);
  t.is(late.requeueAfterMs, 58 * MIN + 100);
  t.deepEqual(late.events.map((e) => [e.type, e.reason, e.message]), [['Warning', 'MissSchedule', 'Missed scheduled time to start a job: 2025-01-01T01:00:00Z']]);
  const inTime = plan({ cronJob, now: T0 + 3600_000 + 30_000 });
  t.is(inTime.scheduledTime, T0 + 3600_000);
  const everyMinute = plan({ cronJob: makeCronJob({ startingDeadlineSeconds: 300 }), now: T0 + 500 * MIN });
  t.deepEqual(everyMinute.events, [], 'only the last 5 minutes count');
  t.is(everyMinute.scheduledTime, T0 + 500 * MIN);
});

test('Forbid: no new Job while one runs; the run starts when it finished if still due', (t) => {
  const running = childJob('tick-old', 'running', T0);
  const cronJob = makeCronJob({ concurrencyPolicy: 'Forbid' }, { active: [activeRefFor(running)], lastScheduleTime: '2025-01-01T00:00:00Z' });
  const blocked = plan({ cronJob, jobs: [running], now: T0 + MIN + 1000 });
  t.is(blocked.createJob, undefined);
  t.deepEqual(blocked.events.map((e) => e.reason), ['JobAlreadyActive']);
  t.deepEqual(blocked.status.active, [activeRefFor(running)]);

  const done = childJob('tick-old', 'complete', T0);
  const freed = plan({ cronJob, jobs: [done], now: T0 + MIN + 20_000 });
  t.is(freed.scheduledTime, T0 + MIN);
  t.is(freed.status.active, undefined);
  t.deepEqual(freed.events.map((e) => e.reason), ['SawCompletedJob']);
  t.is(freed.status.lastSuccessfulTime, '2025-01-01T00:00:05Z');
});

test('Allow: a new Job beside the running one', (t) => {
  const running = childJob('tick-old', 'running', T0);
  const cronJob = makeCronJob({ concurrencyPolicy: 'Allow' }, { active: [activeRefFor(running)], lastScheduleTime: '2025-01-01T00:00:00Z' });
  const p = plan({ cronJob, jobs: [running], now: T0 + MIN });
  t.is(p.scheduledTime, T0 + MIN);
  t.deepEqual(p.replaceJobs, []);
  t.deepEqual(p.status.active, [activeRefFor(running)]);
});

test('Replace: the running Job is deleted and the new one starts', (t) => {
  const running = childJob('tick-old', 'running', T0);
  const cronJob = makeCronJob({ concurrencyPolicy: 'Replace' }, { active: [activeRefFor(running)], lastScheduleTime: '2025-01-01T00:00:00Z' });
  const p = plan({ cronJob, jobs: [running], now: T0 + MIN });
  t.deepEqual(p.replaceJobs, [activeRefFor(running)]);
  t.is(p.scheduledTime, T0 + MIN);
  t.is(p.status.active, undefined);
});

test('suspend: status only, no Job and no requeue', (t) => {
  const p = plan({ cronJob: makeCronJob({ suspend: true }), now: T0 + 5 * MIN });
  t.is(p.createJob, undefined);
  t.is(p.requeueAfterMs, undefined);
});

test('an active Job missing from the cache is kept until the API says it is gone', (t) => {
  const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'tick-new', uid: 'uid-new' };
  const cronJob = makeCronJob({}, { active: [ref], lastScheduleTime: '2025-01-01T00:01:00Z' });
  t.deepEqual(plan({ cronJob, now: T0 + MIN + 1000 }).status.active, [ref]);
  const gone = plan({ cronJob, goneJobs: new Set(['uid-new']), now: T0 + MIN + 1000 });
  t.is(gone.status.active, undefined);
  t.deepEqual(gone.events.map((e) => e.reason), ['MissingJob']);
});

test('a running Job of ours missing from status.active is added back (the status write was lost)', (t) => {
  const running = childJob('tick-x', 'running', T0);
  const p = plan({ cronJob: makeCronJob({ concurrencyPolicy: 'Forbid' }, { lastScheduleTime: '2025-01-01T00:00:00Z' }), jobs: [running], now: T0 + MIN });
  t.deepEqual(p.status.active, [activeRefFor(running)]);
  t.is(p.createJob, undefined);
});

test('history limits: the oldest finished Jobs beyond the limits go', (t) => {
  const jobs = [
    childJob('ok-1', 'complete', T0 + 1 * MIN),
    childJob('ok-2', 'complete', T0 + 2 * MIN),
    childJob('ok-3', 'complete', T0 + 3 * MIN),
    childJob('ok-4', 'complete', T0 + 4 * MIN),
    childJob('bad-1', 'failed', T0 + 1 * MIN),
    childJob('bad-2', 'failed', T0 + 2 * MIN),
    childJob('run-1', 'running', T0),
  ];
  const names = (cronJob = makeCronJob()) => jobsPastHistoryLimits(cronJob, jobs).map((j) => j.metadata.name);
  t.deepEqual(names(), ['ok-1', 'bad-1']);
  t.deepEqual(names(makeCronJob({ successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 })), ['ok-1', 'ok-2', 'ok-3', 'ok-4', 'bad-1', 'bad-2']);
  t.deepEqual(plan({ cronJob: makeCronJob(), jobs }).deleteJobs.map((j) => j.metadata.name), ['ok-1', 'bad-1']);
});

test('a Job for the run already exists (status write lost): recorded, nothing new', (t) => {
  const existing = childJob(`tick-${T0 / MIN + 1}`, 'complete', T0 + MIN);
  const p = plan({ cronJob: makeCronJob(), jobs: [existing], now: T0 + MIN + 5000 });
  t.is(p.createJob, undefined);
  t.is(p.status.lastScheduleTime, '2025-01-01T00:01:00Z');
});
