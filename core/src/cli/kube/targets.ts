// What a command's positional arguments name, kubectl-style: `po`, `po,svc`, `po a b`,
// `po/a svc/b`, resolved through discovery.
import type { ApiClient } from '../../client/ApiClient.js';
import { kindPrefix, type ApiResource } from '../../client/discovery.js';
import { CliError } from './connect.js';

/** One resource type and the names asked for (none: every object). */
export interface Target {
  resource: ApiResource;
  names: string[];
}

/**
 * Parses `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...`. Types keep the order given; names given
 * with several comma types apply to each of them, as kubectl does.
 */
export function parseTargets(args: readonly string[]): { type: string; names: string[] }[] {
  if (args.length === 0) return [];
  if (args.some((a) => a.includes('/'))) {
    if (!args.every((a) => a.includes('/'))) {
      throw new CliError('there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. \'corral get resource/<resource_name>\' instead of \'corral get resource resource/<resource_name>\'');
    }
    const out: { type: string; names: string[] }[] = [];
    for (const arg of args) {
      const [type, ...rest] = arg.split('/');
      const name = rest.join('/');
      if (!type || !name) throw new CliError(`arguments in resource/name form must have a single resource and name: "${arg}"`);
      const existing = out.find((o) => o.type === type);
      if (existing) existing.names.push(name);
      else out.push({ type, names: [name] });
    }
    return out;
  }
  const [types, ...names] = args;
  const list = types!.split(',').filter(Boolean);
  if (list.length === 0) throw new CliError(`resource type "${types}" is empty`);
  return list.map((type) => ({ type, names: [...names] }));
}

/** Parses and resolves through the client's discovery; `all` expands as kubectl's category does. */
export async function resolveTargets(client: ApiClient, args: readonly string[]): Promise<Target[]> {
  const parsed = parseTargets(args);
  const out: Target[] = [];
  for (const { type, names } of parsed) {
    const resources = await expandCategory(client, type);
    for (const resource of resources) {
      const existing = out.find((t) => t.resource === resource);
      if (existing) existing.names.push(...names);
      else out.push({ resource, names });
    }
  }
  return out;
}

async function expandCategory(client: ApiClient, type: string): Promise<ApiResource[]> {
  const all = await client.discovery.resources();
  const members = all.filter((r) => r.categories.includes(type.toLowerCase()));
  // A category only when no resource has that name (`all` is one; a resource named so wins).
  if (members.length > 0 && !all.some((r) => r.name === type || r.shortNames.includes(type) || r.singularName === type)) return members;
  return [await client.discovery.resolve(type)];
}

/** `deployment.apps/web`. */
export function objectRef(resource: Pick<ApiResource, 'kind' | 'group'>, name: string): string {
  return `${kindPrefix(resource)}/${name}`;
}
