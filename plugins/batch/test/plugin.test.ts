// The plugin as a config file loads it: its controllers, its options, its admission tap.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createCorral } from '@corral/core';
import { podForJob } from '../src/job/podForJob.js';
import { makeJob } from './fixtures.js';

async function withConfig<T>(options: unknown, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-batch-'));
  const file = join(dir, 'config.json');
  const plugin = options === undefined ? { name: '@corral/plugin-batch' } : { name: '@corral/plugin-batch', options };
  await writeFile(file, JSON.stringify({ apiVersion: 'corral.dev/v1alpha1', kind: 'CorralConfig', plugins: [plugin] }));
  try {
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the plugin registers the job and cronjob controllers', async (t) => {
  await withConfig(undefined, async (configFile) => {
    const corral = await createCorral({ role: 'server', configFile });
    const controllers = corral.controllers.list();
    t.like(controllers.find((c) => c.name === 'job'), { for: { apiVersion: 'batch/v1', kind: 'Job' }, owns: [{ apiVersion: 'v1', kind: 'Pod' }] });
    t.like(controllers.find((c) => c.name === 'cronjob'), { for: { apiVersion: 'batch/v1', kind: 'CronJob' }, owns: [{ apiVersion: 'batch/v1', kind: 'Job' }] });
  });
});

test('bad options stop start-up and name the field', async (t) => {
  await withConfig({ podFailureBackoff: { initialMs: -5 } }, async (configFile) => {
    const error = await t.throwsAsync(createCorral({ role: 'server', configFile }), { instanceOf: ConfigError });
    const problem = (error as ConfigError).problems.find((p) => p.path.includes('podFailureBackoff'));
    t.truthy(problem, (error as ConfigError).message);
    t.regex(problem!.path, /options\.podFailureBackoff\.initialMs/);
  });
});

test("a Job's pod: template, labels old and new, controller reference, a generated name", (t) => {
  const job = makeJob();
  job.spec.template.metadata!.annotations = { note: 'x' };
  const pod = podForJob(job);
  t.is(pod.metadata.generateName, 'work-');
  t.deepEqual(pod.metadata.labels, {
    app: 'work',
    'batch.kubernetes.io/controller-uid': 'job-uid',
    'batch.kubernetes.io/job-name': 'work',
    'controller-uid': 'job-uid',
    'job-name': 'work',
  });
  t.deepEqual(pod.metadata.annotations, { note: 'x' });
  t.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
  t.deepEqual(pod.spec, job.spec.template.spec);
  t.not(pod.spec, job.spec.template.spec, 'a copy, not the cached template');
  const long = makeJob();
  long.metadata.name = 'x'.repeat(63);
  t.is(podForJob(long).metadata.generateName!.length, 58);
});
