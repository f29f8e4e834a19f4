// Discovery: /api, /apis, /apis/{group}, and each group-version's resource list, in the legacy
// form and as the aggregated APIGroupDiscoveryList kubectl asks for first. Built once (the
// kinds are fixed after start-up) and kept serialized.
import type Router from '@koa/router';
import { ApiError } from '../../api/errors.js';
import { negotiate, type OutputKind } from '../negotiate.js';
import type { ResourceIndex, ServedResource } from '../resources.js';
import type { ServerContext, ServerState } from '../types.js';

const OBJECT_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const AGGREGATED_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const ROOT_OUTPUTS: ReadonlySet<OutputKind> = new Set(['json', 'APIGroupDiscoveryList']);
const JSON_ONLY: ReadonlySet<OutputKind> = new Set(['json']);

interface Subresource {
  name: string;
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

function subresourcesOf(res: ServedResource): Subresource[] {
  const own = { group: res.group, version: res.version };
  const all: Record<string, Subresource> = {
    status: { name: 'status', ...own, kind: res.kind, verbs: ['get', 'patch', 'update'] },
    scale: { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] },
    binding: { name: 'binding', ...own, kind: 'Binding', verbs: ['create'] },
    eviction: { name: 'eviction', group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] },
    log: { name: 'log', ...own, kind: 'Pod', verbs: ['get'] },
    exec: { name: 'exec', ...own, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    finalize: { name: 'finalize', ...own, kind: res.kind, verbs: ['update'] },
  };
  return [...res.subresources].sort().map((s) => all[s]!);
}

/** The legacy APIResourceList entries of one resource: itself, then `plural/sub` per subresource. */
function apiResources(res: ServedResource): object[] {
  const main: Record<string, unknown> = {
    name: res.plural,
    singularName: res.def.singular,
    namespaced: res.namespaced,
    kind: res.kind,
    verbs: OBJECT_VERBS,
  };
  if (res.def.shortNames.length > 0) main.shortNames = res.def.shortNames;
  if (res.def.categories?.length) main.categories = res.def.categories;
  const subs = subresourcesOf(res).map((s) => {
    const entry: Record<string, unknown> = { name: `${res.plural}/${s.name}`, singularName: '', namespaced: res.namespaced, kind: s.kind, verbs: s.verbs };
    if (s.group !== res.group || s.version !== res.version) Object.assign(entry, { group: s.group, version: s.version });
    return entry;
  });
  return [main, ...subs];
}

function discoveryResource(res: ServedResource): object {
  const entry: Record<string, unknown> = {
    resource: res.plural,
    responseKind: { group: res.group, version: res.version, kind: res.kind },
    scope: res.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: res.def.singular,
    verbs: OBJECT_VERBS,
  };
  if (res.def.shortNames.length > 0) entry.shortNames = res.def.shortNames;
  if (res.def.categories?.length) entry.categories = res.def.categories;
  const subs = subresourcesOf(res);
  if (subs.length > 0) {
    entry.subresources = subs.map((s) => ({ subresource: s.name, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs }));
  }
  return entry;
}

function groupVersion(group: string, version: string): { groupVersion: string; version: string } {
  return { groupVersion: group ? `${group}/${version}` : version, version };
}

class DiscoveryDocuments {
  readonly resourceLists = new Map<string, string>();
  readonly groups = new Map<string, string>();
  readonly groupList: string;
  readonly coreAggregated: string;
  readonly groupsAggregated: string;
  readonly coreVersions: string[];

  constructor(index: ResourceIndex) {
    const byName = (a: ServedResource, b: ServedResource): number => a.plural.localeCompare(b.plural);
    const groupEntries: object[] = [];
    const aggregated = (group: string, versions: string[]): object => ({
      metadata: { name: group },
      versions: versions.map((version) => ({
        version,
        resources: index.inGroupVersion(group, version).sort(byName).map(discoveryResource),
        freshness: 'Current',
      })),
    });
    for (const [group, versions] of index.groups) {
      for (const version of versions) {
        const resources = index.inGroupVersion(group, version).sort(byName).flatMap(apiResources);
        const key = group ? `${group}/${version}` : version;
        this.resourceLists.set(key, JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: key, resources }));
      }
      if (group === '') continue;
      const entry = { name: group, versions: versions.map((v) => groupVersion(group, v)), preferredVersion: groupVersion(group, versions[0]!) };
      groupEntries.push(entry);
      this.groups.set(group, JSON.stringify({ kind: 'APIGroup', apiVersion: 'v1', ...entry }));
    }
    this.coreVersions = index.groups.get('') ?? [];
    this.groupList = JSON.stringify({ kind: 'APIGroupList', apiVersion: 'v1', groups: groupEntries });
    const list = (items: object[]): string => JSON.stringify({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items });
    this.coreAggregated = list(this.coreVersions.length > 0 ? [aggregated('', this.coreVersions)] : []);
    this.groupsAggregated = list([...index.groups].filter(([g]) => g !== '').map(([g, versions]) => aggregated(g, versions)));
  }
}

function reply(ctx: ServerContext, json: string, type = 'application/json'): void {
  ctx.status = 200;
  ctx.set('Vary', 'Accept');
  ctx.body = json;
  // Set last and as is: clients compare the parameters of this type.
  ctx.set('Content-Type', type);
}

export function mountDiscovery(router: Router<ServerState>, index: ResourceIndex): void {
  const docs = new DiscoveryDocuments(index);
  router.get('/api', (ctx) => {
    if (negotiate(ctx, ROOT_OUTPUTS).as === 'APIGroupDiscoveryList') return reply(ctx, docs.coreAggregated, AGGREGATED_TYPE);
    reply(ctx, JSON.stringify({ kind: 'APIVersions', versions: docs.coreVersions, serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: ctx.host }] }));
  });
  router.get('/apis', (ctx) => {
    if (negotiate(ctx, ROOT_OUTPUTS).as === 'APIGroupDiscoveryList') return reply(ctx, docs.groupsAggregated, AGGREGATED_TYPE);
    reply(ctx, docs.groupList);
  });
  router.get('/api/:version', (ctx) => {
    negotiate(ctx, JSON_ONLY);
    const doc = docs.resourceLists.get(ctx.params.version!);
    if (!doc) throw ApiError.of('NotFound', `the server does not serve ${ctx.params.version} (${ctx.path})`);
    reply(ctx, doc);
  });
  router.get('/apis/:group', (ctx) => {
    negotiate(ctx, JSON_ONLY);
    const doc = docs.groups.get(ctx.params.group!);
    if (!doc) throw ApiError.of('NotFound', `the server does not serve the group ${ctx.params.group} (${ctx.path})`);
    reply(ctx, doc);
  });
  router.get('/apis/:group/:version', (ctx) => {
    negotiate(ctx, JSON_ONLY);
    const doc = docs.resourceLists.get(`${ctx.params.group}/${ctx.params.version}`);
    if (!doc) throw ApiError.of('NotFound', `the server does not serve ${ctx.params.group}/${ctx.params.version} (${ctx.path})`);
    reply(ctx, doc);
  });
}
