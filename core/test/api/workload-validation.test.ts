import test from 'ava';
import { ApiError, builtinResources, validateObject, type Job } from '../../src/api/index.js';
import { accepted, causesOf, deployment, job, summary, template } from './helpers.js';

test('the Invalid error names the kind with its group', (t) => {
  const error = t.throws(() => validateObject(builtinResources, deployment({ replicas: -1 })), { instanceOf: ApiError });
  t.is(error?.message, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  t.like(error?.status.details, { name: 'web', group: 'apps', kind: 'Deployment' });
});

test('a Deployment needs a selector, and it must match the template labels', (t) => {
  t.deepEqual(summary(causesOf(t, deployment({ selector: undefined }))), ['spec.selector FieldValueRequired']);
  const causes = causesOf(t, deployment({ selector: { matchLabels: { app: 'api' } } }));
  t.deepEqual(summary(causes), ['spec.template.metadata.labels FieldValueInvalid']);
  t.is(causes[0]?.message, 'Invalid value: {"app":"web"}: `selector` does not match template `labels`');
  t.deepEqual(summary(causesOf(t, deployment({ selector: {} }))), ['spec.selector FieldValueInvalid']);
  t.notThrows(() =>
    accepted(deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } })),
  );
});

test('selector expressions must fit their operators', (t) => {
  const causes = causesOf(
    t,
    deployment({
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In' },
          { key: 'x', operator: 'Exists', values: ['y'] },
          { key: 'z', operator: 'Near', values: ['y'] },
        ],
      },
    }),
  );
  t.deepEqual(summary(causes), [
    'spec.selector.matchExpressions[2].operator FieldValueNotSupported',
    'spec.selector.matchExpressions[0].values FieldValueRequired',
    'spec.selector.matchExpressions[1].values FieldValueForbidden',
  ]);
});

test('a Deployment template restarts Always; strategy parameters are checked', (t) => {
  const causes = causesOf(
    t,
    deployment({
      template: template({ app: 'web' }, { restartPolicy: 'Never' }),
      strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } },
    }),
  );
  t.deepEqual(summary(causes), ['spec.template.spec.restartPolicy FieldValueNotSupported', 'spec.strategy.rollingUpdate FieldValueForbidden']);
  t.is(causes[0]?.message, 'Unsupported value: "Never": supported values: "Always"');
  const rolling = causesOf(t, deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }, minReadySeconds: 700 }));
  t.deepEqual(summary(rolling), ['spec.strategy.rollingUpdate.maxUnavailable FieldValueInvalid', 'spec.progressDeadlineSeconds FieldValueInvalid']);
  const percent = causesOf(t, deployment({ strategy: { rollingUpdate: { maxSurge: 'lots', maxUnavailable: '150%' } } }));
  t.deepEqual(summary(percent), ['spec.strategy.rollingUpdate.maxSurge FieldValueInvalid', 'spec.strategy.rollingUpdate.maxUnavailable FieldValueInvalid']);
});

test('a ReplicaSet needs a template and a selector matching it', (t) => {
  const rs = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } } },
  };
  t.deepEqual(summary(causesOf(t, rs)), ['spec.template FieldValueRequired']);
  t.notThrows(() => accepted({ ...rs, spec: { ...rs.spec, template: template() } }));
});

test('a ReplicationController selector must match its template; replicas may not be negative', (t) => {
  const rc = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'r', namespace: 'default' },
    spec: { replicas: -1, selector: { name: 'other' }, template: template({ name: 'r' }) },
  };
  t.deepEqual(summary(causesOf(t, rc)), ['spec.replicas FieldValueInvalid', 'spec.template.metadata.labels FieldValueInvalid']);
  const noSelector = causesOf(t, { ...rc, spec: { template: { spec: template().spec } } });
  t.deepEqual(summary(noSelector), ['spec.selector FieldValueRequired']);
});

test("a Job template restarts Never or OnFailure (Always, the pod default, is refused)", (t) => {
  const causes = causesOf(t, job({ template: template({ app: 'pi' }) }));
  t.deepEqual(summary(causes), ['spec.template.spec.restartPolicy FieldValueNotSupported']);
  t.is(causes[0]?.message, 'Unsupported value: "Always": supported values: "OnFailure", "Never"');
  t.notThrows(() => accepted(job({ template: template({ app: 'pi' }, { restartPolicy: 'OnFailure' }) })));
});

test('a Job selector, when given or required by manualSelector, must match the template', (t) => {
  t.deepEqual(summary(causesOf(t, job({ selector: { matchLabels: { app: 'other' } } }))), [
    'spec.template.metadata.labels FieldValueInvalid',
  ]);
  t.deepEqual(summary(causesOf(t, job({ manualSelector: true }))), ['spec.selector FieldValueRequired']);
  t.deepEqual(summary(causesOf(t, job({ completionMode: 'Indexed', parallelism: 2 }))), ['spec.completions FieldValueRequired']);
  const withUid = accepted<Job>({ ...job(), metadata: { name: 'pi', namespace: 'default', uid: 'abc' } });
  t.deepEqual(withUid.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } });
});

test('a CronJob schedule, time zone, name length and job template are checked', (t) => {
  const cronJob = (spec: Record<string, unknown>, name = 'tick') => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({}, { restartPolicy: 'Never' }) } }, ...spec },
  });
  t.notThrows(() => accepted(cronJob({})));
  t.notThrows(() => accepted(cronJob({ schedule: '@daily', timeZone: 'Europe/Paris' })));
  const causes = causesOf(
    t,
    cronJob({ schedule: '0 25 * * *', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: template() } } }, 'x'.repeat(53)),
  );
  t.deepEqual(summary(causes), [
    'metadata.name FieldValueInvalid',
    'spec.schedule FieldValueInvalid',
    'spec.timeZone FieldValueInvalid',
    'spec.jobTemplate.spec.template.spec.restartPolicy FieldValueNotSupported',
  ]);
  t.is(causes[1]?.message, 'Invalid value: "0 25 * * *": hour: 25 is outside 0-23');
  t.deepEqual(summary(causesOf(t, cronJob({ schedule: '' }))), ['spec.schedule FieldValueRequired']);
});
