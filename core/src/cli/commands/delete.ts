import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api/errors.js';
import type { ApiObject, Status } from '../../api/types.js';
import type { ApiClient, DeleteOptions, PropagationPolicy } from '../../client/ApiClient.js';
import { kindPrefix, type ApiResource } from '../../client/discovery.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { CliError, clientHandler, formatApiError, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { forEachManifest } from '../kube/each-manifest.js';
import { withFileFlags, type FileArgs } from '../kube/files.js';
import { resolveTargets } from '../kube/targets.js';

interface DeleteArgs extends ClientArgs, FileArgs {
  args: string[];
  selector?: string;
  'field-selector'?: string;
  all: boolean;
  'all-namespaces': boolean;
  'grace-period': number;
  now: boolean;
  force: boolean;
  cascade: string;
  wait: boolean;
  timeout: string;
  'ignore-not-found': boolean;
}

/** `corral delete`: kubectl delete. */
export function deleteCommand(ctx: CliContext): CommandModule<GlobalArgs, DeleteArgs> {
  return {
    command: 'delete [args..]',
    describe: 'Delete resources by file, by type and name, or by type and label selector',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'to delete')
        .positional('args', { type: 'string', array: true, default: [], describe: 'TYPE NAME... or TYPE/NAME...' })
        .option('selector', { alias: 'l', type: 'string', describe: 'delete the objects matching this label selector' })
        .option('field-selector', { type: 'string', describe: 'delete the objects matching this field selector' })
        .option('all', { type: 'boolean', default: false, describe: 'delete every object of the type in the namespace' })
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'with --all or -l: in every namespace' })
        .option('grace-period', { type: 'number', default: -1, describe: "seconds the object has to stop; -1 keeps the object's default" })
        .option('now', { type: 'boolean', default: false, describe: 'the same as --grace-period=1' })
        .option('force', { type: 'boolean', default: false, describe: 'with --grace-period=0: remove at once without waiting' })
        .option('cascade', { type: 'string', default: 'background', describe: 'dependents: background, foreground or orphan' })
        .option('wait', { type: 'boolean', default: true, describe: 'wait until the objects are gone' })
        .option('timeout', { type: 'string', default: '0s', describe: 'give up waiting after this long (0: no limit)' })
        .option('ignore-not-found', { type: 'boolean', default: false, describe: 'a missing object is not an error' }) as Argv<DeleteArgs>,
    handler: clientHandler<DeleteArgs>(ctx, async (argv, client) => {
      const options = deleteOptions(argv);
      const timeoutMs = parseDuration(argv.timeout, 'timeout');
      const namespace = argv.namespace ?? client.namespace;
      const pending: Pending[] = [];
      const remove = async (resource: ApiResource, name: string, ns: string | undefined): Promise<void> => {
        const answer = await client.delete(resource, name, { ...options, namespace: ns });
        ctx.stdout.write(`${kindPrefix(resource)} "${name}" deleted\n`);
        if (argv.wait && isObject(answer)) pending.push({ resource, name, namespace: ns, uid: answer.metadata.uid });
      };
      if (argv.filename?.length) {
        if (argv.args.length > 0) throw new CliError('give either -f or resource arguments, not both');
        await forEachManifest(ctx, client, argv, 'deleting', async (t) => {
          try {
            await remove(t.resource, t.name, t.namespace);
          } catch (err) {
            if (!(argv['ignore-not-found'] && err instanceof ApiError && err.code === 404)) throw err;
          }
        });
      } else {
        await deleteByArgs(ctx, client, argv, namespace, remove);
      }
      if (pending.length > 0) await waitUntilGone(client, pending, timeoutMs);
    }),
  };
}

interface Pending {
  resource: ApiResource;
  name: string;
  namespace?: string;
  uid?: string;
}

async function deleteByArgs(
  ctx: CliContext,
  client: ApiClient,
  argv: DeleteArgs,
  namespace: string,
  remove: (resource: ApiResource, name: string, ns: string | undefined) => Promise<void>,
): Promise<void> {
  if (argv.args.length === 0) throw new CliError('you must provide one or more resources by argument or filename (-f)');
  const targets = await resolveTargets(client, argv.args);
  const bySelector = argv.all || argv.selector !== undefined || argv['field-selector'] !== undefined;
  let found = 0;
  for (const { resource, names } of targets) {
    if (names.length > 0 && bySelector) throw new CliError('name cannot be provided when a selector or --all is specified');
    if (names.length === 0 && !bySelector) throw new CliError('resource(s) were provided, but no name was specified');
    const objects: { name: string; namespace?: string }[] = names.map((name) => ({ name, namespace }));
    if (bySelector) {
      const list = await client.listAll(resource, {
        namespace,
        allNamespaces: argv['all-namespaces'],
        labelSelector: argv.selector,
        fieldSelector: argv['field-selector'],
      });
      objects.push(...list.items.map((o: ApiObject) => ({ name: o.metadata.name!, namespace: o.metadata.namespace })));
    }
    for (const o of objects) {
      try {
        await remove(resource, o.name, o.namespace);
        found++;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) {
          if (!argv['ignore-not-found']) {
            ctx.stderr.write(`${formatApiError(err)}\n`);
            ctx.exitCode = 1;
          }
          continue;
        }
        throw err;
      }
    }
  }
  if (bySelector && found === 0 && !argv['ignore-not-found']) {
    ctx.stderr.write(argv['all-namespaces'] || !targets.some((t) => t.resource.namespaced) ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
  }
}

function deleteOptions(argv: DeleteArgs): DeleteOptions {
  const options: DeleteOptions = { propagationPolicy: cascade(argv.cascade) };
  let grace = argv['grace-period'];
  if (argv.now) grace = 1;
  if (argv.force && grace < 0) grace = 0;
  if (grace === 0 && !argv.force) grace = 1; // kubectl: immediate deletion needs --force
  if (grace >= 0) options.gracePeriodSeconds = grace;
  return options;
}

function cascade(value: string): PropagationPolicy {
  switch (value) {
    case 'background':
    case 'true':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
    case 'false':
      return 'Orphan';
    default:
      throw new CliError(`invalid cascade value (${value}). Must be "background", "foreground", or "orphan".`);
  }
}

function isObject(answer: Status | ApiObject): answer is ApiObject {
  return answer.kind !== 'Status' && typeof answer.metadata === 'object' && answer.metadata !== null && 'name' in answer.metadata;
}

/** Polls until each object is gone (or replaced by a new one of the same name). */
async function waitUntilGone(client: ApiClient, pending: Pending[], timeoutMs: number): Promise<void> {
  const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Infinity;
  let delay = 50;
  for (const p of pending) {
    for (;;) {
      try {
        const current = await client.get(p.resource, p.name, { namespace: p.namespace });
        if (p.uid && current.metadata.uid !== p.uid) break;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) break;
        throw err;
      }
      if (Date.now() > deadline) throw new CliError(`timed out waiting for ${kindPrefix(p.resource)} "${p.name}" to be deleted`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 1000);
    }
  }
}
