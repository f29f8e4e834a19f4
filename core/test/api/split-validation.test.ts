// The split validation must answer exactly as joi does on the whole schema: same details, same
// order, same paths and messages, whether a part was seen before or not.
import test from 'ava';
import Joi from 'joi';
import { builtinResources } from '../../src/api/index.js';
import { SPLIT_AFTER, validationDetails } from '../../src/api/validation/splitSchema.js';
import { def } from './helpers.js';

const OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: false, allowUnknown: false };

function joiDetails(schema: Joi.Schema, value: unknown): unknown[] {
  const { error } = schema.validate(value, OPTIONS);
  return (error?.details ?? []).map(comparable);
}

function comparable(item: Joi.ValidationErrorItem): unknown {
  const { context, ...rest } = item;
  // A custom rule's error is a fresh Error each run: compare its message.
  const error = context?.error as Error | undefined;
  return { ...rest, context: { ...context, ...(error ? { error: error.message } : {}) } };
}

/** A kind is split only after it has been validated a while: get there first. */
const warmed = new WeakSet<Joi.Schema>();
function warm(schema: Joi.Schema): void {
  if (warmed.has(schema)) return;
  warmed.add(schema);
  for (let i = 0; i <= SPLIT_AFTER; i++) validationDetails(schema, {});
}

function same(t: import('ava').ExecutionContext, schema: Joi.Schema, value: unknown, label: string): void {
  warm(schema);
  const expected = joiDetails(schema, value);
  // Twice: the second run may answer parts from what the first found valid.
  t.deepEqual(validationDetails(schema, value).map(comparable), expected, `${label} (first)`);
  t.deepEqual(validationDetails(schema, value).map(comparable), expected, `${label} (again)`);
}

const goodPod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'a1b2',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }],
  },
  spec: {
    containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m' } } }],
    restartPolicy: 'Always',
  },
  status: { phase: 'Pending' },
});

test('valid and invalid pods get joi’s own details, in joi’s order', (t) => {
  const schema = def('Pod').schema;
  same(t, schema, goodPod(), 'valid');
  const bad: [string, (p: ReturnType<typeof goodPod>) => unknown][] = [
    ['unknown top-level key', (p) => ({ ...p, extra: 1, other: { a: 1 } })],
    ['spec and metadata problems together', (p) => ({ ...p, metadata: { ...p.metadata, name: 5, labels: { a: 3 }, bogus: true }, spec: { ...p.spec, restartPolicy: 'Sometimes', priorityClass: 'x' } })],
    ['the same spec made invalid after the valid one was seen', (p) => ({ ...p, spec: { ...p.spec, containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 'http' }] }] } })],
    ['metadata missing', (p) => ({ apiVersion: p.apiVersion, kind: p.kind, spec: p.spec })],
    ['metadata not an object', (p) => ({ ...p, metadata: 'web' })],
    ['metadata an array', (p) => ({ ...p, metadata: [] })],
    ['spec null', (p) => ({ ...p, spec: null })],
    ['wrong kind and apiVersion', (p) => ({ ...p, apiVersion: 'v2', kind: 'Pods' })],
    ['an unknown key whose value is undefined', (p) => ({ ...p, spec: { ...p.spec, later: undefined } })],
    ['a quantity of the wrong type', (p) => ({ ...p, spec: { ...p.spec, containers: [{ name: 'c', resources: { limits: { cpu: true } } }] } })],
    ['a NaN port', (p) => ({ ...p, spec: { ...p.spec, containers: [{ name: 'c', ports: [{ containerPort: Number.NaN }] }] } })],
    ['an object that is not plain JSON', (p) => ({ ...p, status: { phase: 'Pending', startTime: new Date(0) } })],
  ];
  for (const [label, make] of bad) same(t, schema, make(goodPod()), label);
  same(t, schema, 'a string', 'not an object');
  same(t, schema, null, 'null');
  same(t, schema, [goodPod()], 'an array');
});

test('a value joi refused is never remembered as valid', (t) => {
  const schema = def('Pod').schema;
  const withDate = { ...goodPod(), status: { phase: 'Pending', startTime: new Date(0) } };
  const withString = { ...goodPod(), status: { phase: 'Pending', startTime: new Date(0).toISOString() } };
  warm(schema);
  t.deepEqual(validationDetails(schema, withString), []);
  // Its JSON is the valid one's, but a Date is not a string.
  t.is(validationDetails(schema, withDate).length, 1);
  t.is(validationDetails(schema, withDate)[0]!.type, 'string.base');
});

test('every built-in kind answers as joi does for an empty object and for unknown fields', (t) => {
  for (const d of builtinResources) {
    const apiVersion = d.group ? `${d.group}/${d.version}` : d.version;
    same(t, d.schema, { apiVersion, kind: d.kind, metadata: { name: 'x' } }, `${d.kind} minimal`);
    same(t, d.schema, { apiVersion, kind: d.kind, metadata: { name: 'x', extra: 1 }, spec: { nope: 1 }, status: { nope: [1] }, data: 3 }, `${d.kind} unknown fields`);
  }
});

test('schemas that look across keys are validated whole', (t) => {
  const schema = Joi.object({
    apiVersion: Joi.string(),
    metadata: Joi.object({ name: Joi.string(), labels: Joi.object().pattern(Joi.string(), Joi.string()) }),
    spec: Joi.object({ min: Joi.number(), max: Joi.number().min(Joi.ref('min')) }),
    other: Joi.object({ a: Joi.string() }),
  }).xor('spec', 'other');
  same(t, schema, { metadata: { name: 'x' }, spec: { min: 5, max: 3 } }, 'xor at the top');
  const nested = Joi.object({ metadata: Joi.object({ name: Joi.string() }), spec: Joi.object({ min: Joi.number(), max: Joi.number().min(Joi.ref('min')) }) });
  same(t, nested, { metadata: { name: 'x' }, spec: { min: 1, max: 3 } }, 'a ref inside a part, valid');
  same(t, nested, { metadata: { name: 'x' }, spec: { min: 5, max: 3 } }, 'a ref inside a part, invalid');
  // A ref from inside spec up to the top: the same spec is valid or not depending on `limit`.
  const outward = Joi.object({ limit: Joi.number(), metadata: Joi.object({ name: Joi.string() }), spec: Joi.object({ size: Joi.number().max(Joi.ref('...limit')) }) });
  same(t, outward, { limit: 10, metadata: { name: 'x' }, spec: { size: 5 } }, 'a ref out of a part, valid');
  same(t, outward, { limit: 1, metadata: { name: 'x' }, spec: { size: 5 } }, 'a ref out of a part, same spec, now invalid');
  const sibling = Joi.object({ policy: Joi.string(), spec: Joi.object({ mode: Joi.string(), servers: Joi.array().when('mode', { is: 'None', then: Joi.array().min(1) }) }).when('policy', { is: 'strict', then: Joi.object({ mode: Joi.required() }) }) });
  same(t, sibling, { policy: 'loose', spec: { servers: [] } }, 'a when on the part itself, valid');
  same(t, sibling, { policy: 'strict', spec: { servers: [] } }, 'a when on the part itself, same spec, now invalid');
  same(t, sibling, { spec: { mode: 'None', servers: [] } }, 'a when inside the part');
});

test('a pod spec with a when inside it (dnsConfig) is still remembered, and still checked', (t) => {
  const schema = def('Pod').schema;
  const dns = (policy: string, servers: string[]) => ({ ...goodPod(), spec: { ...goodPod().spec, dnsPolicy: policy, dnsConfig: { nameservers: servers } } });
  same(t, schema, dns('None', ['10.96.0.10']), 'dnsPolicy None with a server');
  same(t, schema, dns('None', []), 'dnsPolicy None without a server');
  same(t, schema, dns('ClusterFirst', []), 'dnsPolicy ClusterFirst without a server');
});

test('parts whose values rarely repeat, checked in place and split off again, still answer as joi does', (t) => {
  const schema = def('Event').schema;
  warm(schema);
  let differences = 0;
  for (let i = 0; i < 2600; i++) {
    const event: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `e-${i}`, namespace: 'default', ...(i % 7 === 0 ? { labels: { app: 'web' } } : {}) },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: `p-${i}`, uid: `u-${i}` },
      source: { component: 'default-scheduler' },
      reason: 'Scheduled',
      message: `assigned ${i}`,
    };
    // Now and then a wrong one, in each kind of place.
    if (i % 97 === 0) event.involvedObject = { name: i };
    if (i % 89 === 0) event.source = { component: 3, extra: true };
    if (i % 83 === 0) (event.metadata as Record<string, unknown>).labels = { app: 7 };
    if (i % 79 === 0) event.unknownField = 'x';
    const expected = joiDetails(schema, event);
    const got = validationDetails(schema, event).map(comparable);
    if (JSON.stringify(got) !== JSON.stringify(expected)) differences++;
  }
  t.is(differences, 0);
});
