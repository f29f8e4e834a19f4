// The compiled check must agree with joi: a value it passes, joi accepts, and (for the built-in
// kinds, which it compiles whole) a value joi accepts, it passes. Compared on every sample object
// of every built-in kind, the fixtures and the examples, and on many mutations of each.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import test from 'ava';
import Joi from 'joi';
import { builtinResources, parseManifests, prepareForCreate, type ResourceDefinition } from '../../src/api/index.js';
import { opaquePath, passesFastCheck } from '../../src/api/validation/fastCheck.js';
import { fixture } from './helpers.js';
import { samples } from './support/kindSamples.js';
import { mutations } from './support/mutations.js';

const OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: false, allowUnknown: false };

function joiAccepts(schema: Joi.Schema, value: unknown): boolean {
  return schema.validate(value, OPTIONS).error === undefined;
}

function definitionOf(obj: unknown): ResourceDefinition | undefined {
  const o = obj as { apiVersion?: string; kind?: string };
  return builtinResources.find((d) => (d.group ? `${d.group}/${d.version}` : d.version) === o.apiVersion && d.kind === o.kind);
}

function yamlFiles(dir: URL): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = new URL(name, dir);
    if (statSync(path).isDirectory()) out.push(...yamlFiles(new URL(`${name}/`, dir)));
    else if (name.endsWith('.yaml')) out.push(path.pathname);
  }
  return out;
}

/** The examples' and fixtures' objects of built-in kinds, as written. */
function manifestObjects(): unknown[] {
  const texts = ['guestbook.yaml', 'mysql-external.yaml', 'nginx-deployment.yaml', 'redis-master-controller.yaml', 'redis-master-service.yaml'].map(
    (name) => [fixture(name), name] as const,
  );
  const examples = new URL('../../../../examples/', import.meta.url);
  for (const file of yamlFiles(examples)) texts.push([readFileSync(file, 'utf8'), file] as const);
  return texts.flatMap(([text, source]) => parseManifests(text, source).map((m) => m.object)).filter((o) => definitionOf(o));
}

/** Each sample as written and as the API stores it (defaulted, with the server's fields). */
function allSamples(): { def: ResourceDefinition; value: unknown; label: string }[] {
  const out: { def: ResourceDefinition; value: unknown; label: string }[] = [];
  const raw = [...samples(), ...manifestObjects()];
  raw.forEach((obj, i) => {
    const def = definitionOf(obj)!;
    const label = `${def.kind} #${i}`;
    out.push({ def, value: obj, label: `${label} as written` });
    const stamped = structuredClone(obj) as { metadata: Record<string, unknown> };
    Object.assign(stamped.metadata, { uid: '0b6f2f3e-6a8a-4c1e-9d2b-0d7c7f6e2a11', creationTimestamp: '2026-11-23T19:00:00Z', resourceVersion: '7' });
    out.push({ def, value: prepareForCreate(def, stamped), label: `${label} stored` });
  });
  return out;
}

test('every built-in kind is compiled whole: nothing is left to joi', (t) => {
  for (const def of builtinResources) t.is(opaquePath(def.schema), undefined, def.kind);
});

test('the samples cover every built-in kind and joi accepts them all', (t) => {
  const all = allSamples();
  const kinds = new Set(all.map((s) => s.def.kind));
  for (const def of builtinResources) t.true(kinds.has(def.kind), `no sample of ${def.kind}`);
  for (const { def, value, label } of all) {
    t.true(joiAccepts(def.schema, value), `${label}: ${def.schema.validate(value, OPTIONS).error?.message}`);
    t.true(passesFastCheck(def.schema, value), label);
  }
});

test('the check agrees with joi on every mutation of every sample', (t) => {
  let compared = 0;
  let refused = 0;
  const disagreements: string[] = [];
  // joi's shallow copy of an object turns an own `__proto__` key into the copy's prototype, so it
  // never sees it; the check does, and leaves such an object to joi (which accepts it).
  const protoKey = (what: string, joi: boolean, fast: boolean) => joi && !fast && what.endsWith('with a key "__proto__"');
  // What validate sees: the stored (defaulted) form, with a different few changes at each place.
  for (const { def, value, label } of allSamples().filter((s) => s.label.endsWith('stored'))) {
    for (const { value: mutated, what } of mutations(value, 6)) {
      const joi = joiAccepts(def.schema, mutated);
      const fast = passesFastCheck(def.schema, mutated);
      compared++;
      if (!joi) refused++;
      if (fast !== joi && !protoKey(what, joi, fast) && disagreements.length < 20) disagreements.push(`${label}, ${what}: joi ${joi}, check ${fast}`);
    }
  }
  t.deepEqual(disagreements, []);
  // The mutations must mostly be ones joi refuses, or they test little.
  t.true(refused > compared / 2, `${refused} of ${compared} refused`);
  t.true(compared > 10_000, `${compared} compared`);
});

test('values that are not plain JSON are left to joi', (t) => {
  const pod = builtinResources.find((d) => d.kind === 'Pod')!;
  const base = samples().find((s) => (s as { kind: string }).kind === 'Pod') as Record<string, unknown>;
  const odd = [
    { ...base, status: { startTime: new Date(0) } },
    { ...base, metadata: Object.assign(Object.create({ inherited: 1 }), { name: 'x', namespace: 'default' }) },
    { ...base, metadata: { name: 'x', labels: { '': 'empty key' } } },
    { ...base, spec: { ...(base.spec as object), containers: [undefined] } },
  ];
  for (const value of odd) t.is(passesFastCheck(pod.schema, value), joiAccepts(pod.schema, value) && false);
});

/**
 * Schemas with what the built-in kinds do not use. `agrees`: the checker answers exactly as joi
 * (else it may only answer false where joi accepts, and leaves that value to joi).
 */
const synthetic: { label: string; schema: Joi.Schema; values: unknown[]; agrees: boolean }[] = [
  {
    label: 'a reference in a rule',
    schema: Joi.object({ min: Joi.number(), max: Joi.number().min(Joi.ref('min')) }),
    values: [{ min: 1, max: 2 }, { min: 3, max: 2 }, {}],
    agrees: false,
  },
  {
    label: 'a custom rule that looks at the state',
    schema: Joi.object({
      a: Joi.number(),
      b: Joi.any().custom((v, helpers) => {
        if ((helpers.state.ancestors[0] as { a?: number }).a === 1) throw new Error('not with a=1');
        return v;
      }),
    }),
    values: [{ a: 1, b: 2 }, { a: 2, b: 2 }],
    agrees: false,
  },
  { label: 'a custom rule that converts', schema: Joi.object({ n: Joi.any().custom((v) => Number(v)) }), values: [{ n: '5' }, { n: 5 }], agrees: false },
  {
    label: 'a custom rule that refuses through helpers.error',
    schema: Joi.object({ n: Joi.any().custom((v, helpers) => (v === 'bad' ? helpers.error('any.invalid') : v)) }),
    values: [{ n: 'bad' }, { n: 'good' }],
    agrees: true,
  },
  {
    label: 'when on a sibling, with then and otherwise',
    schema: Joi.object({
      mode: Joi.string(),
      list: Joi.array().items(Joi.string()).when('mode', { is: 'strict', then: Joi.array().min(2).required(), otherwise: Joi.array().max(1) }),
    }),
    values: [{ mode: 'strict' }, { mode: 'strict', list: ['a'] }, { mode: 'strict', list: ['a', 'b'] }, { mode: 'loose', list: ['a', 'b'] }, { list: ['a'] }, {}],
    agrees: true,
  },
  {
    label: 'when two levels up, and a switch',
    schema: Joi.object({
      policy: Joi.string(),
      inner: Joi.object({
        servers: Joi.array().when('...policy', { switch: [{ is: 'None', then: Joi.array().min(1).required() }, { is: 'One', then: Joi.array().length(1) }] }),
      }),
    }),
    values: [{ policy: 'None', inner: {} }, { policy: 'None', inner: { servers: ['x'] } }, { policy: 'One', inner: { servers: ['x', 'y'] } }, { policy: 'Other', inner: { servers: [] } }],
    agrees: true,
  },
  {
    label: 'patterns: a key schema, a regex, fallthrough, and unknown keys allowed',
    schema: Joi.object({
      fixed: Joi.string(),
      a: Joi.object().pattern(Joi.string().min(2), Joi.number()),
      b: Joi.object().pattern(/^x/, Joi.string(), { fallthrough: true } as Joi.ObjectPatternOptions).pattern(/y$/, Joi.string().max(2)),
      c: Joi.object({ k: Joi.number() }).unknown(true),
    }),
    values: [{ a: { ab: 1 } }, { a: { a: 1 } }, { a: { ab: 'x' } }, { b: { xy: 'ab' } }, { b: { xy: 'abc' } }, { b: { z: 'a' } }, { c: { k: 1, other: [] } }, { c: { k: 'x' } }, { fixed: 'x', other: 1 }],
    agrees: true,
  },
  {
    label: 'objects and arrays without inner rules',
    schema: Joi.object({ any: Joi.object(), list: Joi.array(), sparse: Joi.array().items(Joi.number()).sparse(), dense: Joi.array().items(Joi.number()) }),
    values: [{ any: new Date(0) }, { any: [] }, { list: [undefined, 'x'] }, { sparse: [1, undefined] }, { dense: [1, undefined] }, { dense: [1, 'x'] }],
    agrees: true,
  },
  {
    label: 'numbers, strings and allowed values',
    schema: Joi.object({
      n: Joi.number().integer().greater(0).less(10),
      big: Joi.number().unsafe(),
      safe: Joi.number(),
      s: Joi.string().min(0).max(3),
      e: Joi.string(),
      ci: Joi.string().valid('Yes', 'No').insensitive(),
      not: Joi.string().invalid('root'),
      gone: Joi.any().forbidden(),
      iso: Joi.string().isoDate(),
      re: Joi.string().pattern(/^[a-z]+$/, { invert: true }),
    }),
    values: [
      { n: 5 }, { n: 0 }, { n: 2.5 }, { n: Infinity }, { n: Number.NaN }, { big: 2 ** 60 }, { safe: 2 ** 60 }, { s: '' }, { s: 'abcd' },
      { e: '' }, { ci: 'yes' }, { ci: 'maybe' }, { not: 'root' }, { not: 'user' }, { gone: 1 }, { gone: undefined },
      { iso: '2026-01-01T00:00:00Z' }, { iso: '2026-13-01T00:00:00Z' }, { iso: '2026-13-01T00:00:00Z' }, { re: 'abc' }, { re: 'ABC' },
    ],
    agrees: true,
  },
  {
    label: 'keys named like Object.prototype members',
    schema: Joi.object({ constructor: Joi.string(), toString: Joi.any().forbidden() }),
    values: [{}, { constructor: 'x' }, { toString: 'x' }],
    agrees: true,
  },
  { label: 'dependencies between keys', schema: Joi.object({ a: Joi.string(), b: Joi.string() }).xor('a', 'b'), values: [{ a: 'x' }, { a: 'x', b: 'y' }, {}], agrees: false },
  { label: 'alternatives', schema: Joi.object({ v: Joi.alternatives(Joi.string(), Joi.number()) }), values: [{ v: 'x' }, { v: 1 }, { v: true }], agrees: false },
];

test('schemas beyond the built-in kinds: the check never passes what joi refuses', (t) => {
  for (const { label, schema, values, agrees } of synthetic) {
    for (const value of values) {
      const joi = joiAccepts(schema, value);
      const fast = passesFastCheck(schema, value);
      if (fast) t.true(joi, `${label}: ${JSON.stringify(value)} passed the check but joi refuses it`);
      if (agrees) t.is(fast, joi, `${label}: ${JSON.stringify(value)}`);
    }
  }
});

test('parts the compiler does not understand are left to joi, and named', (t) => {
  t.is(opaquePath(synthetic.find((s) => s.label === 'a reference in a rule')!.schema), 'max');
  t.is(opaquePath(synthetic.find((s) => s.label === 'dependencies between keys')!.schema), '(root)');
  t.is(opaquePath(synthetic.find((s) => s.label === 'alternatives')!.schema), 'v');
  for (const { label, schema, agrees } of synthetic) if (agrees) t.is(opaquePath(schema), undefined, label);
});
