// The loop of label, annotate, scale, set image, rollout: the objects named as `TYPE NAME...`,
// `TYPE/NAME...`, or picked with -l / --all; each failure printed, the others carried on with.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ApiResource } from '../../client/discovery.js';
import type { CliContext } from '../context.js';
import { CliError, formatError, ReportedError } from './connect.js';
import { resolveTargets } from './targets.js';

export interface Selection {
  selector?: string;
  all?: boolean;
  'all-namespaces'?: boolean;
}

export interface NamedObject {
  resource: ApiResource;
  name: string;
  namespace?: string;
  /** Set when the object was found by a list (-l/--all), so it needs no second read. */
  object?: ApiObject;
}

export async function forEachObject(
  ctx: CliContext,
  client: ApiClient,
  args: readonly string[],
  selection: Selection & { namespace?: string },
  each: (target: NamedObject) => Promise<void>,
  allowedKinds?: readonly string[],
): Promise<void> {
  if (args.length === 0) throw new CliError('you must provide one or more resources, as TYPE NAME or TYPE/NAME');
  const namespace = selection.namespace ?? client.namespace;
  const bySelector = selection.all || selection.selector !== undefined;
  const objects: NamedObject[] = [];
  for (const { resource, names } of await resolveTargets(client, args)) {
    if (allowedKinds && !allowedKinds.includes(resource.kind)) {
      throw new CliError(`${resource.name}.${resource.group || 'core'} is not supported here: give one of ${allowedKinds.join(', ')}`);
    }
    if (names.length > 0 && bySelector) throw new CliError('name cannot be provided when a selector or --all is specified');
    if (names.length === 0 && !bySelector) throw new CliError('resource(s) were provided, but no name was specified');
    for (const name of names) objects.push({ resource, name, namespace: resource.namespaced ? namespace : undefined });
    if (bySelector) {
      const list = await client.listAll(resource, { namespace, allNamespaces: selection['all-namespaces'], labelSelector: selection.selector });
      for (const object of list.items) objects.push({ resource, name: object.metadata.name!, namespace: object.metadata.namespace, object });
    }
  }
  if (objects.length === 0) {
    ctx.stderr.write(`No resources found in ${namespace} namespace.\n`);
    return;
  }
  let failed = false;
  for (const target of objects) {
    try {
      await each(target);
    } catch (err) {
      failed = true;
      if (!(err instanceof ReportedError)) ctx.stderr.write(`${formatError(err)}\n`);
    }
  }
  if (failed) ctx.exitCode = 1;
}

/** Reads the object unless the list already did. */
export async function currentObject(client: ApiClient, target: NamedObject): Promise<ApiObject> {
  return target.object ?? client.get(target.resource, target.name, { namespace: target.namespace });
}

/** True for a 404 ApiError. */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}
