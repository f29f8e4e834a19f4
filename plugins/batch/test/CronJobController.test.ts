// The CronJob controller's reconcile with fake caches: what cannot reach it through the API.
import test from 'ava';
import { Expectations, ObjectCache, ownerUidIndex, type ApiClient, type ApiObject, type ReconcileContext, type SharedInformers } from '@corral/core';
import { ManualClock } from '@corral/core/testing';
import { syncCronJob } from '../src/cronjob/CronJobController.js';
import { InvalidScheduleError } from '../src/cronjob/schedule.js';
import { makeCronJob, T0 } from './fixtures.js';

function fakeContext(objects: ApiObject[]) {
  const caches = new Map<string, ObjectCache>();
  for (const obj of objects) {
    const kind = obj.kind!;
    if (!caches.has(kind)) caches.set(kind, new ObjectCache({ ownerUid: ownerUidIndex }));
    caches.get(kind)!.set(obj);
  }
  const informers = {
    informer: (kind: { kind: string }) => ({ cache: caches.get(kind.kind) ?? new ObjectCache({ ownerUid: ownerUidIndex }) }),
  } as unknown as SharedInformers;
  const events: { type: string; reason: string; message: string }[] = [];
  const writes: string[] = [];
  // Every call is recorded; writes answer with the object as the server would store it.
  const client = new Proxy(
    {},
    {
      get: (_t, method) => async (_res: unknown, obj: ApiObject) => {
        writes.push(String(method));
        return { ...obj, metadata: { ...obj.metadata, uid: 'new-uid' } };
      },
    },
  ) as unknown as ApiClient;
  const clock = new ManualClock(T0 + 90_000);
  const ctx: ReconcileContext = {
    signal: new AbortController().signal,
    client,
    informers,
    events: { event: (_obj, type, reason, message) => events.push({ type, reason, message }) },
    expectations: new Expectations(clock),
    clock,
    enqueue: () => undefined,
  };
  return { ctx, events, writes };
}

test('an invalid schedule: a Warning event and an error naming the CronJob and field, nothing written', async (t) => {
  const { ctx, events, writes } = fakeContext([makeCronJob({ schedule: '*/0 * * * *' })]);
  const error = await t.throwsAsync(syncCronJob('default/tick', ctx), { instanceOf: InvalidScheduleError });
  t.regex(error!.message, /^CronJob default\/tick: spec\.schedule: unparseable schedule "\*\/0 \* \* \* \*"/);
  t.deepEqual(events.map((e) => [e.type, e.reason]), [['Warning', 'UnparseableSchedule']]);
  t.deepEqual(writes, []);
});

test('an unknown time zone is reported as UnknownTimeZone', async (t) => {
  const { ctx, events } = fakeContext([makeCronJob({ timeZone: 'Nowhere/Atlantis' })]);
  await t.throwsAsync(syncCronJob('default/tick', ctx), { instanceOf: InvalidScheduleError });
  t.deepEqual(events.map((e) => e.reason), ['UnknownTimeZone']);
});

test('a valid CronJob at its run time creates the Job and asks to run again after the next minute', async (t) => {
  const { ctx, writes } = fakeContext([makeCronJob()]);
  const result = await syncCronJob('default/tick', ctx);
  t.deepEqual(writes, ['create', 'updateStatus']);
  t.deepEqual(result, { requeueAfterMs: 30_000 + 100 });
});

test('a CronJob gone from the cache is a no-op', async (t) => {
  const { ctx, writes } = fakeContext([]);
  t.is(await syncCronJob('default/tick', ctx), undefined);
  t.deepEqual(writes, []);
});
