import type { Argv, CommandModule } from 'yargs';
import { labelSelectorAsSelector } from '../../api/selectors/Selector.js';
import type { ApiObject, LabelSelector, Pod } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { parseTargets } from '../kube/targets.js';

interface LogsArgs extends ClientArgs {
  target: string;
  container?: string;
  follow: boolean;
  previous: boolean;
  tail: number;
  timestamps: boolean;
  since?: string;
  'limit-bytes'?: number;
}

/** `corral logs POD`: a container's log, followed with -f. */
export function logsCommand(ctx: CliContext): CommandModule<GlobalArgs, LogsArgs> {
  return {
    command: 'logs <target>',
    describe: "Print the log of a container in a pod (or of a workload's first pod)",
    builder: (y) =>
      withClientFlags(y)
        .positional('target', { type: 'string', describe: 'POD, or TYPE/NAME of a pod or workload', demandOption: true })
        .option('container', { alias: 'c', type: 'string', describe: 'the container; default: the only or default one' })
        .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'keep streaming the log' })
        .option('previous', { alias: 'p', type: 'boolean', default: false, describe: 'the log of the previous, terminated instance of the container' })
        .option('tail', { type: 'number', default: -1, describe: 'only the last N lines; -1 for all' })
        .option('timestamps', { type: 'boolean', default: false, describe: 'prefix each line with its timestamp' })
        .option('since', { type: 'string', describe: 'only lines newer than this (e.g. 5s, 2m)' })
        .option('limit-bytes', { type: 'number', describe: 'stop after this many bytes' }) as Argv<LogsArgs>,
    handler: clientHandler<LogsArgs>(ctx, async (argv, client) => {
      const namespace = argv.namespace ?? client.namespace;
      const pod = await podFor(ctx, client, argv.target, namespace);
      const container = argv.container ?? defaultContainer(ctx, pod);
      const res = await client.logStream(pod.metadata.name!, {
        namespace,
        container,
        follow: argv.follow,
        previous: argv.previous,
        tailLines: argv.tail >= 0 ? argv.tail : undefined,
        timestamps: argv.timestamps,
        sinceSeconds: argv.since ? Math.max(1, Math.ceil(parseDuration(argv.since, 'since') / 1000)) : undefined,
        limitBytes: argv['limit-bytes'],
      });
      res.setEncoding('utf8');
      for await (const chunk of res) ctx.stdout.write(chunk as string);
    }),
  };
}

/** The pod the argument names: `web`, `pod/web`, or a workload's first pod (`deploy/web`). */
async function podFor(ctx: CliContext, client: ApiClient, arg: string, namespace: string): Promise<Pod> {
  if (!arg.includes('/')) return client.get<Pod>('pods', arg, { namespace });
  const [{ type, names }] = parseTargets([arg]) as [{ type: string; names: string[] }];
  const resource = await client.discovery.resolve(type);
  if (resource.kind === 'Pod') return client.get<Pod>(resource, names[0]!, { namespace });
  const owner = await client.get<ApiObject & { spec?: { selector?: LabelSelector | Record<string, string> } }>(resource, names[0]!, { namespace });
  const raw = owner.spec?.selector;
  if (!raw) throw new CliError(`cannot find the pods of ${arg}: it has no selector`);
  const selector = 'matchLabels' in raw || 'matchExpressions' in raw ? (raw as LabelSelector) : { matchLabels: raw as Record<string, string> };
  const pods = await client.list<Pod>('pods', { namespace, labelSelector: labelSelectorAsSelector(selector).toString() });
  const active = pods.items.filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  if (active.length === 0) throw new CliError(`no pods of ${arg} found`);
  if (active.length > 1) ctx.stderr.write(`Found ${active.length} pods, using pod/${active[0]!.metadata.name}\n`);
  return active[0]!;
}

function defaultContainer(ctx: CliContext, pod: Pod): string | undefined {
  const containers = pod.spec?.containers ?? [];
  if (containers.length <= 1) return containers[0]?.name;
  const chosen = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? containers[0]!.name;
  ctx.stderr.write(`Defaulted container "${chosen}" out of: ${containers.map((c) => c.name).join(', ')}\n`);
  return chosen;
}
