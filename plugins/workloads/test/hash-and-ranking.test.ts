import test from 'ava';
import type { Pod, PodPhase, PodTemplateSpec } from '@corral/core';
import { canonicalJson, compareForDeletion, podsToDelete, podTemplateHash, slowStartBatch } from '../src/index.js';

const template = (image: string): PodTemplateSpec => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } });

test('the pod template hash is stable and ignores key order', (t) => {
  const a = podTemplateHash(template('nginx:1.7'));
  t.is(a, podTemplateHash(template('nginx:1.7')));
  const reordered = { spec: { containers: [{ image: 'nginx:1.7', name: 'web' }] }, metadata: { labels: { app: 'web' } } } as PodTemplateSpec;
  t.is(podTemplateHash(reordered), a);
  t.regex(a, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

test('the hash changes with the template and with the collision count', (t) => {
  const a = podTemplateHash(template('nginx:1.7'));
  t.not(podTemplateHash(template('nginx:1.9')), a);
  t.not(podTemplateHash(template('nginx:1.7'), 1), a);
  t.is(podTemplateHash(template('nginx:1.7'), 0), a);
});

test('canonical JSON sorts keys and drops undefined', (t) => {
  t.is(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }] }), '{"a":[{"c":"x"}],"b":1}');
});

function pod(name: string, opts: { node?: string; phase?: PodPhase; readyAt?: string; created?: string; restarts?: number } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z' },
    spec: { containers: [], ...(opts.node ? { nodeName: opts.node } : {}) },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: opts.readyAt ? [{ type: 'Ready', status: 'True', lastTransitionTime: opts.readyAt }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', ready: Boolean(opts.readyAt), restartCount: opts.restarts ?? 0, image: '', imageID: '' }],
    },
  };
}

test('scale-down preference: unscheduled, pending, not ready, newer go first', (t) => {
  const ready = pod('ready', { node: 'n1', readyAt: '2026-01-01T00:01:00Z' });
  const notReady = pod('not-ready', { node: 'n1' });
  const pending = pod('pending', { node: 'n1', phase: 'Pending' });
  const unscheduled = pod('unscheduled', { phase: 'Pending' });
  t.deepEqual(
    [ready, notReady, pending, unscheduled].sort(compareForDeletion).map((p) => p.metadata.name),
    ['unscheduled', 'pending', 'not-ready', 'ready'],
  );
  const older = pod('older', { node: 'n1', created: '2026-01-01T00:00:00Z' });
  const newer = pod('newer', { node: 'n1', created: '2026-01-02T00:00:00Z' });
  t.deepEqual(podsToDelete([older, newer], 1).map((p) => p.metadata.name), ['newer']);
  const readyLonger = pod('long', { node: 'n1', readyAt: '2026-01-01T00:00:00Z' });
  const readyShorter = pod('short', { node: 'n1', readyAt: '2026-01-01T00:05:00Z' });
  t.deepEqual(podsToDelete([readyLonger, readyShorter], 1).map((p) => p.metadata.name), ['short']);
  t.deepEqual(podsToDelete([readyLonger], 0), []);
});

test('slow start: batches of 1, 2, 4 ... and a failing batch stops the rest', async (t) => {
  const batches: number[] = [];
  let inFlight = 0;
  const ok = await slowStartBatch(10, 1, async () => {
    inFlight++;
    batches.push(inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
  });
  t.deepEqual(ok, { successes: 10, skipped: 0 });
  t.is(Math.max(...batches), 4);
  let calls = 0;
  const failing = await slowStartBatch(100, 1, async () => {
    calls++;
    throw new Error('quota exceeded');
  });
  t.is(calls, 1);
  t.is(failing.successes, 0);
  t.is(failing.skipped, 99);
  t.is((failing.error as Error).message, 'quota exceeded');
});
