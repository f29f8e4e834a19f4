import test from 'ava';
import { planJob, type JobPlanInput } from '../src/job/planJob.js';
import { backoffDelay, remainingBackoff } from '../src/job/podBackoff.js';
import { makeJob, makePod, pods, T0 } from './fixtures.js';

const backoff = { initialMs: 10_000, maxMs: 360_000 };

function plan(input: Partial<JobPlanInput> & Pick<JobPlanInput, 'job'>) {
  return planJob({ pods: [], now: T0 + 1000, backoff, canManage: true, ...input });
}

test('a new Job starts min(parallelism, completions) pods and records its start time', (t) => {
  const p = plan({ job: makeJob({ completions: 5, parallelism: 2 }) });
  t.is(p.createPods, 2);
  t.is(p.status.active, 2);
  t.is(p.status.startTime, '2025-01-01T00:00:01Z');
  t.deepEqual(p.deletePods, []);
});

test('never more active than the completions still missing', (t) => {
  const job = makeJob({ completions: 5, parallelism: 2 });
  const p = plan({ job, pods: [...pods(4, { phase: 'Succeeded' }), ...pods(1)] });
  t.is(p.createPods, 0);
  t.is(p.status.active, 1);
  t.is(p.status.succeeded, 4);
});

test('too many active pods: the unscheduled and not-ready ones go first', (t) => {
  const job = makeJob({ completions: 5, parallelism: 1 });
  const ready = makePod({ ready: true, nodeName: 'n1' });
  const pending = makePod({ phase: 'Pending' });
  const p = plan({ job, pods: [ready, pending] });
  t.deepEqual(p.deletePods, [pending]);
  t.is(p.status.active, 1);
  t.is(p.status.ready, 1);
});

test('completions reached: Complete with completionTime and a Completed event', (t) => {
  const job = makeJob({ completions: 2, parallelism: 2 });
  const p = plan({ job, pods: pods(2, { phase: 'Succeeded' }), now: T0 + 60_000 });
  t.is(p.createPods, 0);
  const complete = p.status.conditions?.find((c) => c.type === 'Complete');
  t.is(complete?.status, 'True');
  t.is(p.status.completionTime, '2025-01-01T00:01:00Z');
  t.deepEqual(p.events.map((e) => e.reason), ['Completed']);
});

test('without completions, the first success ends the Job once the other pods are done', (t) => {
  const job = makeJob({ completions: undefined, parallelism: 3 });
  const running = plan({ job, pods: [makePod({ phase: 'Succeeded' }), makePod()] });
  t.is(running.createPods, 0);
  t.is(running.status.conditions?.find((c) => c.type === 'Complete'), undefined);
  const done = plan({ job, pods: [makePod({ phase: 'Succeeded' }), makePod({ phase: 'Succeeded' })] });
  t.is(done.status.conditions?.find((c) => c.type === 'Complete')?.status, 'True');
});

test('failed pods past backoffLimit: Failed/BackoffLimitExceeded, active pods deleted and counted', (t) => {
  const job = makeJob({ completions: 3, parallelism: 2, backoffLimit: 1 });
  const running = makePod();
  const p = plan({ job, pods: [...pods(2, { phase: 'Failed', finishedAt: T0 }), running] });
  t.deepEqual(p.deletePods, [running]);
  t.is(p.createPods, 0);
  t.is(p.status.failed, 3);
  t.is(p.status.active, 0);
  const failed = p.status.conditions?.find((c) => c.type === 'Failed');
  t.is(failed?.reason, 'BackoffLimitExceeded');
  t.deepEqual(p.events.map((e) => [e.type, e.reason]), [['Warning', 'BackoffLimitExceeded']]);
});

test('at backoffLimit the Job still retries', (t) => {
  const job = makeJob({ backoffLimit: 1 });
  const p = plan({ job, pods: [makePod({ phase: 'Failed', finishedAt: T0 - 60_000 })] });
  t.is(p.createPods, 1);
  t.is(p.status.failed, 1);
});

test('restartPolicy OnFailure: container restarts count toward backoffLimit', (t) => {
  const job = makeJob({ backoffLimit: 2 });
  job.spec.template.spec.restartPolicy = 'OnFailure';
  t.is(plan({ job, pods: [makePod({ restarts: 1 })] }).status.conditions?.find((c) => c.type === 'Failed'), undefined);
  const p = plan({ job, pods: [makePod({ restarts: 2 })] });
  t.is(p.status.conditions?.find((c) => c.type === 'Failed')?.reason, 'BackoffLimitExceeded');
  t.is(p.deletePods.length, 1);
});

test('activeDeadlineSeconds: requeue for the deadline, then Failed/DeadlineExceeded', (t) => {
  const job = makeJob({ activeDeadlineSeconds: 30 }, { startTime: '2025-01-01T00:00:00Z', active: 1 });
  const before = plan({ job, pods: [makePod()], now: T0 + 10_000 });
  t.is(before.requeueAfterMs, 20_000);
  const after = plan({ job, pods: [makePod()], now: T0 + 30_000 });
  t.is(after.status.conditions?.find((c) => c.type === 'Failed')?.reason, 'DeadlineExceeded');
  t.is(after.deletePods.length, 1);
  t.is(after.events[0]?.reason, 'DeadlineExceeded');
});

test('failed pods are replaced only after the doubling backoff', (t) => {
  const job = makeJob({ backoffLimit: 6 });
  const failures = [makePod({ phase: 'Failed', finishedAt: T0 }), makePod({ phase: 'Failed', finishedAt: T0 + 1000 })];
  const waiting = plan({ job, pods: failures, now: T0 + 5000 });
  t.is(waiting.createPods, 0);
  t.is(waiting.requeueAfterMs, 1000 + 20_000 - 5000);
  t.is(waiting.status.active, 0);
  const due = plan({ job, pods: failures, now: T0 + 21_000 });
  t.is(due.createPods, 1);
});

test('backoff doubles from the initial delay and stops at the cap', (t) => {
  t.deepEqual([0, 1, 2, 3, 6, 7, 100].map((n) => backoffDelay(n, backoff)), [0, 10_000, 20_000, 40_000, 320_000, 360_000, 360_000]);
});

test('a success resets the failure count of the backoff', (t) => {
  const list = [makePod({ phase: 'Failed', finishedAt: T0 }), makePod({ phase: 'Succeeded', finishedAt: T0 + 1000 }), makePod({ phase: 'Failed', finishedAt: T0 + 2000 })];
  t.is(remainingBackoff(list, T0 + 2000, backoff), 10_000);
});

test('suspend deletes the active pods and sets Suspended; resume restarts the clock', (t) => {
  const job = makeJob({ completions: 4, parallelism: 2, suspend: true, activeDeadlineSeconds: 60 }, { startTime: '2025-01-01T00:00:00Z', active: 2 });
  const running = pods(2);
  const suspended = plan({ job, pods: running, now: T0 + 120_000 });
  t.deepEqual(suspended.deletePods.map((p) => p.metadata.name).sort(), running.map((p) => p.metadata.name).sort());
  t.is(suspended.status.active, 0);
  t.is(suspended.status.conditions?.find((c) => c.type === 'Failed'), undefined, 'no deadline while suspended');
  const cond = suspended.status.conditions?.find((c) => c.type === 'Suspended');
  t.is(cond?.status, 'True');
  t.is(cond?.reason, 'JobSuspended');
  t.deepEqual(suspended.events.map((e) => e.reason), ['Suspended']);

  const resumedJob = makeJob({ completions: 4, parallelism: 2, suspend: false, activeDeadlineSeconds: 60 }, suspended.status);
  const resumed = plan({ job: resumedJob, now: T0 + 200_000 });
  t.is(resumed.createPods, 2);
  t.is(resumed.status.startTime, '2025-01-01T00:03:20Z');
  t.is(resumed.status.conditions?.find((c) => c.type === 'Suspended')?.status, 'False');
  t.deepEqual(resumed.events.map((e) => e.reason), ['Resumed']);
});

test('a Job created suspended has no start time until resumed', (t) => {
  const p = plan({ job: makeJob({ suspend: true }) });
  t.is(p.status.startTime, undefined);
  t.is(p.createPods, 0);
});

test('while expectations are pending only the status is computed', (t) => {
  const p = plan({ job: makeJob({ completions: 3, parallelism: 3 }), pods: [makePod()], canManage: false });
  t.is(p.createPods, 0);
  t.is(p.status.active, 1);
});

test('counts never go down when finished pods disappear', (t) => {
  const job = makeJob({ completions: 5, parallelism: 1 }, { succeeded: 3, failed: 2, active: 0, startTime: '2025-01-01T00:00:00Z' });
  const p = plan({ job, pods: [makePod({ phase: 'Succeeded' })] });
  t.is(p.status.succeeded, 3);
  t.is(p.status.failed, 2);
});

test('a finished Job with ttlSecondsAfterFinished is deleted once the TTL passed', (t) => {
  const status = { completionTime: '2025-01-01T00:00:10Z', conditions: [{ type: 'Complete', status: 'True' as const }] };
  const job = makeJob({ ttlSecondsAfterFinished: 30 }, status);
  const early = plan({ job, now: T0 + 20_000 });
  t.false(early.deleteJob);
  t.is(early.requeueAfterMs, 20_000);
  t.true(plan({ job, now: T0 + 40_000 }).deleteJob);
  t.false(plan({ job: makeJob({}, status), now: T0 + 10_000_000 }).deleteJob);
});

test('a finished Job stops pods that were still starting', (t) => {
  const status = { conditions: [{ type: 'Failed', status: 'True' as const, reason: 'BackoffLimitExceeded' }] };
  const late = makePod({ phase: 'Pending' });
  const p = plan({ job: makeJob({}, status), pods: [late, makePod({ phase: 'Failed' })] });
  t.deepEqual(p.deletePods, [late]);
  t.is(p.createPods, 0);
  t.deepEqual(p.events, []);
});

test('pods being deleted are not active', (t) => {
  const p = plan({ job: makeJob({ completions: 2, parallelism: 2 }), pods: [makePod({ deleting: true }), makePod()] });
  t.is(p.createPods, 1);
  t.is(p.status.active, 2);
});
