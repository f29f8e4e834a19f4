import test from 'ava';
import { createHash } from 'node:crypto';
import { builtinResources, type ResourceDefinition } from '../../../src/api/index.js';
import { STRATEGIC_MERGE_PATCH_CONTENT_TYPE } from '../../../src/server/patch/index.js';
import {
  buildOpenApiV2,
  buildOpenApiV3GroupVersion,
  buildOpenApiV3Paths,
  openApiDocuments,
} from '../../../src/server/openapi/index.js';
import { asJson, field, findByGvk, resolve, type Json } from './helpers.js';

const prefixOf = (d: ResourceDefinition) => (d.group ? `/apis/${d.group}/${d.version}` : `/api/${d.version}`);
const collectionOf = (d: ResourceDefinition) => `${prefixOf(d)}${d.namespaced ? '/namespaces/{namespace}' : ''}/${d.plural}`;
const gvPath = (d: ResourceDefinition) => (d.group ? `apis/${d.group}/${d.version}` : `api/${d.version}`);
const v3Of = (d: ResourceDefinition) => asJson(buildOpenApiV3GroupVersion(builtinResources, d.group, d.version));

/** Every `$ref` in a document, with whether it resolves. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refs(n, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) if (k === '$ref') out.push(String(v));
    else refs(v, out);
  }
  return out;
}

test('the v2 document is Swagger 2.0 with every reference defined', (t) => {
  const doc = asJson(buildOpenApiV2(builtinResources));
  t.is(doc.swagger, '2.0');
  const defs = asJson(doc.definitions);
  for (const r of refs(doc)) t.true(r.startsWith('#/definitions/') && r.slice(14) in defs, r);
});

test('the v2 paths cover each resource with its operations, group-version-kind and action', (t) => {
  const paths = asJson(asJson(buildOpenApiV2(builtinResources)).paths);
  for (const def of builtinResources) {
    const gvk = { group: def.group, version: def.version, kind: def.kind };
    const collection = asJson(paths[collectionOf(def)]);
    const item = asJson(paths[`${collectionOf(def)}/{name}`]);
    t.like(collection, { get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk } });
    t.like(collection, { post: { 'x-kubernetes-action': 'post' }, delete: { 'x-kubernetes-action': 'deletecollection' } });
    t.like(item, { get: { 'x-kubernetes-action': 'get' }, put: { 'x-kubernetes-action': 'put' }, delete: { 'x-kubernetes-action': 'delete' } });
    const patch = asJson(item.patch);
    t.deepEqual(patch['x-kubernetes-group-version-kind'], gvk);
    t.true((patch.consumes as string[]).includes(STRATEGIC_MERGE_PATCH_CONTENT_TYPE), def.kind);
    t.true((patch.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'), def.kind);
    t.true(refs(asJson(collection.get).responses)[0]!.endsWith(`.${def.listKind}`), def.kind);
    t.is(Boolean(paths[`${collectionOf(def)}/{name}/status`]), Boolean(def.subresources.status), def.kind);
    if (def.subresources.scale) {
      t.like(asJson(paths[`${collectionOf(def)}/{name}/scale`]).patch, { 'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' } });
    }
    if (def.namespaced) t.truthy(paths[`${prefixOf(def)}/${def.plural}`], `${def.kind} for all namespaces`);
  }
});

test('the /openapi/v3 index names every group-version with a content hash of its document', (t) => {
  const index = buildOpenApiV3Paths(builtinResources);
  const expected = [...new Set(builtinResources.map(gvPath))].sort();
  t.deepEqual(Object.keys(index.paths).sort(), expected);
  for (const def of builtinResources) {
    const url = new URL(index.paths[gvPath(def)]!.serverRelativeURL, 'http://x');
    t.is(url.pathname, `/openapi/v3/${gvPath(def)}`);
    const hash = createHash('sha512').update(JSON.stringify(v3Of(def))).digest('hex').toUpperCase();
    t.is(url.searchParams.get('hash'), hash);
  }
});

test('documents are computed once per set of definitions', (t) => {
  t.is(buildOpenApiV2(builtinResources), buildOpenApiV2(builtinResources));
  t.is(buildOpenApiV3GroupVersion(builtinResources, 'apps', 'v1'), buildOpenApiV3GroupVersion(builtinResources, 'apps', 'v1'));
  t.is(openApiDocuments(builtinResources), openApiDocuments(builtinResources));
  t.true(Object.isFrozen(buildOpenApiV2(builtinResources)));
  t.is(buildOpenApiV3GroupVersion(builtinResources, 'apps', 'v2'), undefined);
  t.is(buildOpenApiV3GroupVersion(builtinResources, 'nope', 'v1'), undefined);
});

test('each v3 document is OpenAPI 3.0, complete on its own, with v3 references only', (t) => {
  for (const def of builtinResources) {
    const doc = v3Of(def);
    t.is(doc.openapi, '3.0.0');
    const schemas = asJson(asJson(doc.components).schemas);
    for (const r of refs(doc)) t.true(r.startsWith('#/components/schemas/') && r.slice(21) in schemas, `${gvPath(def)}: ${r}`);
    t.truthy(findByGvk(schemas, { group: def.group, version: def.version, kind: def.kind }), def.kind);
    t.truthy(findByGvk(schemas, { group: def.group, version: def.version, kind: def.listKind }), def.listKind);
    t.truthy(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    t.truthy(schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
    // Only this group-version's kinds: Pods are not in apps/v1 (their template types are).
    const kinds = Object.values(schemas).flatMap((s) => (asJson(s)['x-kubernetes-group-version-kind'] as Json[] | undefined) ?? []);
    t.false(kinds.some((g) => g.kind === 'Pod') && def.group === 'apps', 'no Pod in apps/v1');
  }
  const apps = asJson(asJson(v3Of(builtinResources.find((d) => d.kind === 'Deployment')!).components).schemas);
  t.truthy(apps['io.k8s.api.core.v1.PodSpec']);
});

test('v3 writes int-or-string and quantities as either type, and wraps described references in allOf', (t) => {
  const schemas = asJson(asJson(v3Of(builtinResources.find((d) => d.kind === 'Service')!).components).schemas);
  t.like(asJson(schemas['io.k8s.apimachinery.pkg.util.intstr.IntOrString']), {
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
  });
  const pod = asJson(asJson(asJson(schemas['io.k8s.api.core.v1.Service']).properties).metadata);
  t.deepEqual(pod.allOf, [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }]);
  t.is(typeof pod.description, 'string');
  const core = asJson(asJson(v3Of(builtinResources.find((d) => d.kind === 'Pod')!).components).schemas);
  t.deepEqual(asJson(core['io.k8s.apimachinery.pkg.api.resource.Quantity']).oneOf, [{ type: 'string' }, { type: 'number' }]);
});

test('kubectl explain finds a resource by its path, its kind by GVK, and walks to pods.spec.containers', (t) => {
  const pod = builtinResources.find((d) => d.kind === 'Pod')!;
  const doc = v3Of(pod);
  // The explain template looks the GVK up on the collection path's GET.
  const gvk = asJson(asJson(asJson(asJson(doc.paths)['/api/v1/namespaces/{namespace}/pods']).get)['x-kubernetes-group-version-kind']);
  t.deepEqual(gvk, { group: '', version: 'v1', kind: 'Pod' });
  const schemas = asJson(asJson(doc.components).schemas);
  const [, root] = findByGvk(schemas, gvk as never)!;
  const { property, holder } = field(root, 'spec.containers', schemas);
  t.is(property.type, 'array');
  t.is(resolve(asJson(property.items), schemas), asJson(schemas['io.k8s.api.core.v1.Container']));
  t.true((holder.required as string[]).includes('containers'));
  const container = resolve(asJson(property.items), schemas);
  t.deepEqual(container.required, ['name']);
  t.truthy(asJson(container.properties).image);
});

test('kubectl sees server-side field validation and strategic merge on the PATCH of every kind (v3)', (t) => {
  for (const def of builtinResources) {
    const doc = v3Of(def);
    const patches = Object.values(asJson(doc.paths))
      .map((p) => asJson(p).patch as Json | undefined)
      .filter((op): op is Json => Boolean(op))
      .filter((op) => {
        const g = asJson(op['x-kubernetes-group-version-kind']);
        return g.group === def.group && g.version === def.version && g.kind === def.kind;
      });
    t.true(patches.length >= 1, def.kind);
    for (const op of patches) {
      t.true((op.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'), def.kind);
      t.truthy(asJson(asJson(op.requestBody).content)[STRATEGIC_MERGE_PATCH_CONTENT_TYPE], def.kind);
    }
  }
});

test('kubectl apply finds merge keys in v3 through allOf and array items', (t) => {
  const deploy = builtinResources.find((d) => d.kind === 'Deployment')!;
  const schemas = asJson(asJson(v3Of(deploy).components).schemas);
  const [, root] = findByGvk(schemas, { group: 'apps', version: 'v1', kind: 'Deployment' })!;
  t.like(field(root, 'spec.template.spec.containers', schemas).property, {
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge',
  });
  t.like(field(root, 'spec.template.spec.containers.env', schemas).property, { 'x-kubernetes-patch-merge-key': 'name' });
  t.like(field(root, 'spec.strategy', schemas).property, { 'x-kubernetes-patch-strategy': 'retainKeys' });
  t.like(field(root, 'status.conditions', schemas).property, { 'x-kubernetes-patch-merge-key': 'type' });
});
