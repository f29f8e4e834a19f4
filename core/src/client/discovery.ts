// Discovery: which resources the server serves (`/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`),
// and resolving what a person types (`po`, `deploy`, `deployments.apps`, `Pod`) to one of them
// the way kubectl's RESTMapper does. Read once per client and kept; refreshed on a miss.
import { ApiError } from '../api/errors.js';
import type { Transport } from './transport.js';

/** One resource as the server lists it, plus where it lives. */
export interface ApiResource {
  group: string;
  version: string;
  /** The plural, as in URLs: `pods`. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  /** Subresources served (`status`, `scale`, `log`, ...). */
  subresources: string[];
}

/** What the client needs to build a URL; an ApiResource, a ResourceDefinition, or written by hand. */
export interface ResourceRef {
  group: string;
  version: string;
  /** The plural (`pods`); a ResourceDefinition names it `plural`, discovery `name`. */
  plural?: string;
  name?: string;
  namespaced: boolean;
  kind?: string;
}

export interface APIResourceEntry {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}

interface APIGroup {
  name: string;
  versions: { groupVersion: string; version: string }[];
  preferredVersion?: { groupVersion: string; version: string };
}

export interface DiscoveredGroup {
  name: string;
  preferredVersion: string;
  versions: string[];
}

export class Discovery {
  private cached?: Promise<{ groups: DiscoveredGroup[]; resources: ApiResource[] }>;

  constructor(private readonly transport: Transport) {}

  /** Every resource of every group's preferred version (core group first), subresources folded in. */
  async resources(): Promise<ApiResource[]> {
    return (await this.load()).resources;
  }

  async groups(): Promise<DiscoveredGroup[]> {
    return (await this.load()).groups;
  }

  /** Forget what was read: the next question reads the server again. */
  invalidate(): void {
    this.cached = undefined;
  }

  /**
   * The resource a person means by `name`: plural, singular, short name or kind
   * (case-insensitive), optionally qualified as `plural.group` or `plural.version.group`.
   * Throws a NotFound ApiError worded as kubectl's "the server doesn't have a resource type".
   */
  async resolve(name: string): Promise<ApiResource> {
    const found = match(await this.resources(), name);
    if (found) return found;
    this.invalidate();
    const again = match(await this.resources(), name);
    if (again) return again;
    throw ApiError.of('NotFound', `the server doesn't have a resource type "${name}"`);
  }

  /** The resource serving objects of `apiVersion` and `kind` (what a manifest names). */
  async forKind(apiVersion: string, kind: string): Promise<ApiResource> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
    const find = (list: ApiResource[]): ApiResource | undefined => list.find((r) => r.group === group && r.version === version && r.kind === kind);
    let found = find(await this.allVersions(group, version));
    if (!found) {
      this.invalidate();
      found = find(await this.allVersions(group, version));
    }
    if (!found) {
      throw ApiError.of('NotFound', `no matches for kind "${kind}" in version "${apiVersion}": is the resource type served by this server?`);
    }
    return found;
  }

  /** The resources of `group`/`version` even when it is not the group's preferred version. */
  private async allVersions(group: string, version: string): Promise<ApiResource[]> {
    const { resources } = await this.load();
    if (resources.some((r) => r.group === group && r.version === version)) return resources;
    try {
      return await this.readGroupVersion(group, version);
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return [];
      throw err;
    }
  }

  private load(): Promise<{ groups: DiscoveredGroup[]; resources: ApiResource[] }> {
    this.cached ??= this.read().catch((err) => {
      this.cached = undefined;
      throw err;
    });
    return this.cached;
  }

  private async read(): Promise<{ groups: DiscoveredGroup[]; resources: ApiResource[] }> {
    const [core, apis] = await Promise.all([
      this.transport.json<{ versions: string[] }>({ path: '/api' }),
      this.transport.json<{ groups?: APIGroup[] }>({ path: '/apis' }),
    ]);
    const groups: DiscoveredGroup[] = [];
    if (core.versions?.length) groups.push({ name: '', preferredVersion: core.versions.includes('v1') ? 'v1' : core.versions[0]!, versions: core.versions });
    for (const g of apis.groups ?? []) {
      const versions = g.versions.map((v) => v.version);
      groups.push({ name: g.name, preferredVersion: g.preferredVersion?.version ?? versions[0]!, versions });
    }
    const lists = await Promise.all(groups.map((g) => this.readGroupVersion(g.name, g.preferredVersion)));
    return { groups, resources: lists.flat() };
  }

  private async readGroupVersion(group: string, version: string): Promise<ApiResource[]> {
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const list = await this.transport.json<{ resources?: APIResourceEntry[] }>({ path });
    return fromResourceList(group, version, list.resources ?? []);
  }
}

/** Folds `pods/status`-style entries into their parent's `subresources`. */
export function fromResourceList(group: string, version: string, entries: readonly APIResourceEntry[]): ApiResource[] {
  const out: ApiResource[] = [];
  for (const e of entries) {
    if (e.name.includes('/')) continue;
    out.push({
      group: e.group ?? group,
      version: e.version ?? version,
      name: e.name,
      singularName: e.singularName || e.kind.toLowerCase(),
      kind: e.kind,
      namespaced: e.namespaced,
      verbs: e.verbs ?? [],
      shortNames: e.shortNames ?? [],
      categories: e.categories ?? [],
      subresources: [],
    });
  }
  for (const e of entries) {
    const [parent, sub] = e.name.split('/', 2);
    if (sub) out.find((r) => r.name === parent)?.subresources.push(sub);
  }
  return out;
}

function matchesName(r: ApiResource, lower: string): boolean {
  return r.name === lower || r.singularName === lower || r.kind.toLowerCase() === lower || r.shortNames.includes(lower);
}

/** kubectl's order: exact plural first, then singular, short names, kinds; groups in discovery order. */
export function match(resources: readonly ApiResource[], typed: string): ApiResource | undefined {
  const lower = typed.toLowerCase();
  const direct =
    resources.find((r) => r.name === lower) ??
    resources.find((r) => r.singularName === lower) ??
    resources.find((r) => r.shortNames.includes(lower)) ??
    resources.find((r) => r.kind.toLowerCase() === lower);
  if (direct) return direct;
  // `deployments.apps`, `deployments.v1.apps`, `deploy.apps`: the group follows the first dot.
  const dot = lower.indexOf('.');
  if (dot <= 0) return undefined;
  const name = lower.slice(0, dot);
  const rest = lower.slice(dot + 1);
  const withVersion = rest.match(/^(v\d+(?:(?:alpha|beta)\d+)?)\.(.+)$/);
  return (
    resources.find((r) => r.group === rest && matchesName(r, name)) ??
    (withVersion ? resources.find((r) => r.version === withVersion[1] && r.group === withVersion[2] && matchesName(r, name)) : undefined)
  );
}

/** `deployments.apps`, `pods`: how kubectl names a resource in messages and `-o name`. */
export function qualifiedName(r: Pick<ApiResource, 'name' | 'group'>): string {
  return r.group ? `${r.name}.${r.group}` : r.name;
}

/** `deployment.apps`, `pod`: the prefix of `kubectl get -o name` and of "created" lines. */
export function kindPrefix(r: Pick<ApiResource, 'kind' | 'group'>): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}
