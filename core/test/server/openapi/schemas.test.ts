import test from 'ava';
import Joi from 'joi';
import { builtinResources, defineResource, type ResourceDefinition } from '../../../src/api/index.js';
import { kindSchema, str, strictObject } from '../../../src/api/schemas/common.js';
import { mergeKeysFor, patchSchemaFor } from '../../../src/server/patch/index.js';
import { buildOpenApiV2, packageOf } from '../../../src/server/openapi/index.js';
import { asJson, field, resolve, type Json } from './helpers.js';

const v2 = asJson(buildOpenApiV2(builtinResources));
const definitions = asJson(v2.definitions);
const kindName = (def: ResourceDefinition) => `${packageOf(def.group, def.version)}.${def.kind}`;

interface Desc {
  type: string;
  flags?: { presence?: string; only?: boolean };
  keys?: Record<string, Desc>;
  items?: Desc[];
  patterns?: Array<{ rule: Desc }>;
  rules?: Array<{ name: string; args?: { description?: string } }>;
  allow?: unknown[];
}

/**
 * Walks a joi description and the generated schema side by side: every key is a property, of
 * the JSON type joi accepts, with the same required fields. Returns the problems found.
 */
function compare(desc: Desc, schema: Json, path: string, problems: string[]): void {
  const s = resolve(schema, definitions);
  const custom = desc.rules?.find((r) => r.name === 'custom')?.args?.description;
  const expect = (cond: boolean, what: string) => {
    if (!cond) problems.push(`${path}: ${what}, got ${JSON.stringify(schema).slice(0, 160)}`);
  };
  switch (desc.type) {
    case 'string':
      if (desc.rules?.some((r) => r.name === 'isoDate')) expect(s.type === 'string' && s.format === 'date-time', 'a date-time string');
      else expect(s.type === 'string', 'a string');
      if (desc.flags?.only) expect(JSON.stringify(s.enum) === JSON.stringify(desc.allow), `enum ${JSON.stringify(desc.allow)}`);
      break;
    case 'number':
      expect(s.type === (desc.rules?.some((r) => r.name === 'integer') ? 'integer' : 'number'), 'an integer');
      break;
    case 'boolean':
      expect(s.type === 'boolean', 'a boolean');
      break;
    case 'array':
      expect(s.type === 'array' && typeof s.items === 'object', 'an array');
      if (desc.items?.[0] && s.items) compare(desc.items[0], asJson(s.items), `${path}[]`, problems);
      break;
    case 'any':
      if (custom === 'int-or-string') expect(s['x-kubernetes-int-or-string'] === true && s.format === 'int-or-string', 'int-or-string');
      else if (custom === 'quantity') expect(schema.$ref === '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity', 'a Quantity');
      else if (custom === 'port') expect(s.type === 'integer' && s.minimum === 1 && s.maximum === 65535, 'a port');
      else problems.push(`${path}: untested any`);
      break;
    case 'object':
      expect(s.type === 'object', 'an object');
      if (desc.patterns) {
        expect(typeof s.additionalProperties === 'object', 'a map');
        if (typeof s.additionalProperties === 'object') compare(desc.patterns[0]!.rule, asJson(s.additionalProperties), `${path}{}`, problems);
      } else if (desc.keys) {
        expect(typeof schema.$ref === 'string', 'a reference to a named type');
        const props = asJson(s.properties ?? {});
        expect(JSON.stringify(Object.keys(props).sort()) === JSON.stringify(Object.keys(desc.keys).sort()), `fields ${Object.keys(desc.keys)}`);
        const required = Object.entries(desc.keys).filter(([, d]) => d.flags?.presence === 'required').map(([k]) => k);
        expect(JSON.stringify([...((s.required as string[]) ?? [])].sort()) === JSON.stringify(required.sort()), `required ${required}`);
        for (const [k, child] of Object.entries(desc.keys)) if (props[k]) compare(child, asJson(props[k]), `${path}.${k}`, problems);
      }
      break;
    default:
      problems.push(`${path}: unexpected joi type ${desc.type}`);
  }
}

test('every field of every built-in kind appears with its type, required fields and nesting', (t) => {
  for (const def of builtinResources) {
    const problems: string[] = [];
    compare(def.schema.describe() as Desc, { $ref: `#/definitions/${kindName(def)}` }, def.kind, problems);
    t.deepEqual(problems, [], def.kind);
  }
});

test('every kind and list kind carries its group-version-kind', (t) => {
  for (const def of builtinResources) {
    const gvk = { group: def.group, version: def.version };
    t.deepEqual(asJson(definitions[kindName(def)])['x-kubernetes-group-version-kind'], [{ ...gvk, kind: def.kind }]);
    const list = asJson(definitions[`${packageOf(def.group, def.version)}.${def.listKind}`]);
    t.deepEqual(list['x-kubernetes-group-version-kind'], [{ ...gvk, kind: def.listKind }]);
    t.deepEqual(list.required, ['items']);
    t.is(asJson(asJson(list.properties).items).type, 'array');
  }
});

test('nested types get the names Kubernetes gives them, and shared types are defined once', (t) => {
  const pod = { $ref: '#/definitions/io.k8s.api.core.v1.Pod' };
  t.is(field(pod, 'spec', definitions).property.$ref, '#/definitions/io.k8s.api.core.v1.PodSpec');
  t.is(asJson(field(pod, 'spec.containers', definitions).property.items).$ref, '#/definitions/io.k8s.api.core.v1.Container');
  t.is(field(pod, 'metadata', definitions).property.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const deploy = { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' };
  t.is(field(deploy, 'spec.template', definitions).property.$ref, '#/definitions/io.k8s.api.core.v1.PodTemplateSpec');
  t.is(field(deploy, 'spec.selector', definitions).property.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
  const cron = { $ref: '#/definitions/io.k8s.api.batch.v1.CronJob' };
  t.is(field(cron, 'spec.jobTemplate.spec', definitions).property.$ref, '#/definitions/io.k8s.api.batch.v1.JobSpec');
  t.is(field(cron, 'spec.jobTemplate.spec.template.spec.containers.livenessProbe.httpGet', definitions).property.$ref, '#/definitions/io.k8s.api.core.v1.HTTPGetAction');
  // A clash would have produced a numbered name.
  t.deepEqual(Object.keys(definitions).filter((n) => /\d$/.test(n)), []);
});

test('maps are additionalProperties, int-or-string and quantities are the named scalar types', (t) => {
  const pod = { $ref: '#/definitions/io.k8s.api.core.v1.Pod' };
  t.deepEqual(field(pod, 'metadata.labels', definitions).property.additionalProperties, { type: 'string' });
  t.deepEqual(field(pod, 'spec.containers.resources.limits', definitions).property.additionalProperties, {
    $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity',
  });
  const svc = { $ref: '#/definitions/io.k8s.api.core.v1.Service' };
  const targetPort = resolve(field(svc, 'spec.ports.targetPort', definitions).property, definitions);
  t.like(targetPort, { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true });
  t.like(field(svc, 'spec.ports.port', definitions).property, { type: 'integer', minimum: 1, maximum: 65535 });
  t.deepEqual(field(svc, 'spec.type', definitions).property.enum, ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']);
  t.like(resolve(field(pod, 'metadata.creationTimestamp', definitions).property, definitions), { type: 'string', format: 'date-time' });
  t.like(field(pod, 'spec.containers', definitions).property, { type: 'array', minItems: 1 });
  t.true((asJson(definitions['io.k8s.api.core.v1.PodSpec']).required as string[]).includes('containers'));
});

test('every merge key of the strategic merge schemas is on its list field', (t) => {
  let checked = 0;
  for (const def of builtinResources) {
    const root = { $ref: `#/definitions/${kindName(def)}` };
    for (const [path, key] of Object.entries(mergeKeysFor(def.kind))) {
      // The patch schemas also name fields Corral's kinds do not have (ephemeralContainers).
      let property: Json;
      try {
        property = field(root, path, definitions).property;
      } catch {
        continue;
      }
      t.is(property['x-kubernetes-patch-merge-key'], key, `${def.kind}.${path}`);
      t.regex(String(property['x-kubernetes-patch-strategy']), /^merge/, `${def.kind}.${path}`);
      checked++;
    }
  }
  t.true(checked > 30, `only ${checked} merge keys checked`);
});

test('patch strategies other than merge-by-key are written as Kubernetes writes them', (t) => {
  const pod = { $ref: '#/definitions/io.k8s.api.core.v1.Pod' };
  t.like(field(pod, 'spec.volumes', definitions).property, { 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'name' });
  t.like(field(pod, 'metadata.finalizers', definitions).property, { 'x-kubernetes-patch-strategy': 'merge' });
  t.is(field(pod, 'spec.tolerations', definitions).property['x-kubernetes-patch-strategy'], undefined);
  const deploy = { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' };
  t.is(field(deploy, 'spec.strategy', definitions).property['x-kubernetes-patch-strategy'], 'retainKeys');
  const node = { $ref: '#/definitions/io.k8s.api.core.v1.Node' };
  t.like(field(node, 'spec.podCIDRs', definitions).property, { 'x-kubernetes-patch-strategy': 'merge' });
  t.truthy(patchSchemaFor('Node'));
});

test("a plugin's kind in its own group is named by the reversed group and shares the meta types", (t) => {
  const widget = defineResource({
    group: 'widgets.example.com',
    version: 'v1alpha1',
    kind: 'Widget',
    plural: 'widgets',
    namespaced: true,
    schema: kindSchema('widgets.example.com/v1alpha1', 'Widget', {
      spec: strictObject({ size: Joi.number().integer().min(1).required(), color: str, parts: Joi.array().items(strictObject({ name: str })) }).required(),
    }),
  });
  const defs = asJson(asJson(buildOpenApiV2([...builtinResources, widget])).definitions);
  const name = 'com.example.widgets.v1alpha1.Widget';
  t.deepEqual(asJson(defs[name])['x-kubernetes-group-version-kind'], [{ group: 'widgets.example.com', version: 'v1alpha1', kind: 'Widget' }]);
  const root = { $ref: `#/definitions/${name}` };
  t.is(field(root, 'spec', defs).property.$ref, `#/definitions/${name}Spec`);
  t.is(asJson(field(root, 'spec.parts', defs).property.items).$ref, `#/definitions/${name}SpecParts`);
  t.like(field(root, 'spec.size', defs).property, { type: 'integer', minimum: 1 });
  t.is(field(root, 'metadata', defs).property.$ref, '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  t.deepEqual(Object.keys(defs).filter((n) => /\d$/.test(n)), []);
});
