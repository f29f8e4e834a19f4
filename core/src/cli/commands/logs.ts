import type { Argv, CommandModule } from 'yargs';
import type { Pod } from '../../api/types.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { podForTarget } from '../kube/podTarget.js';

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
      const pod = await podForTarget(client, argv.target, namespace, (line) => ctx.stderr.write(line));
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

function defaultContainer(ctx: CliContext, pod: Pod): string | undefined {
  const containers = pod.spec?.containers ?? [];
  if (containers.length <= 1) return containers[0]?.name;
  const chosen = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? containers[0]!.name;
  ctx.stderr.write(`Defaulted container "${chosen}" out of: ${containers.map((c) => c.name).join(', ')}\n`);
  return chosen;
}
