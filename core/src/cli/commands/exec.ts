import { StringDecoder } from 'node:string_decoder';
import type { Argv, CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { podForTarget } from '../kube/podTarget.js';

interface ExecArgs extends ClientArgs {
  pod: string;
  command: string[];
  container?: string;
  stdin: boolean;
  tty: boolean;
}

/** `corral exec [-i] [-t] POD|TYPE/NAME [-c C] -- COMMAND...`: run a command in a container. */
export function execCommand(ctx: CliContext): CommandModule<GlobalArgs, ExecArgs> {
  return {
    command: 'exec <pod> [command..]',
    describe: 'Run a command in a container',
    builder: (y) =>
      withClientFlags(y)
        .positional('pod', { type: 'string', describe: 'POD, or TYPE/NAME of a pod or workload (its first pod)', demandOption: true })
        .positional('command', { type: 'string', array: true, default: [], describe: 'the command and its arguments, after --' })
        .option('container', { alias: 'c', type: 'string', describe: "the container; default: the pod's only or default one" })
        .option('stdin', { alias: 'i', type: 'boolean', default: false, describe: "pass this process's stdin to the command" })
        .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'give the command a terminal' }) as Argv<ExecArgs>,
    handler: clientHandler<ExecArgs>(ctx, async (argv, client) => {
      // yargs leaves what follows `--` in `_`, after the command's own name.
      const rest = (argv as unknown as { _: (string | number)[] })._.slice(1);
      const command = [...argv.command, ...rest].map(String);
      if (command.length === 0) throw new CliError('you must specify at least one command for the container, after --');
      const namespace = argv.namespace ?? client.namespace;
      // Unlike logs, kubectl's exec says nothing of which pod it picked: stderr is the command's.
      const pod = await podForTarget(client, argv.pod, namespace, () => undefined);
      const podName = pod.metadata.name!;
      const containers = pod.spec?.containers ?? [];
      let container = argv.container;
      if (!container && containers.length > 1) {
        container = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'] ?? containers[0]!.name;
        ctx.stderr.write(`Defaulted container "${container}" out of: ${containers.map((c) => c.name).join(', ')}\n`);
      }
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      const result = await client.exec(podName, {
        namespace,
        container,
        command,
        tty: argv.tty,
        stdin: argv.stdin ? (ctx.stdin ?? process.stdin) : undefined,
        stdout: { write: (data: Buffer) => ctx.stdout.write(out.write(data)) },
        stderr: { write: (data: Buffer) => ctx.stderr.write(err.write(data)) },
      });
      ctx.stdout.write(out.end());
      ctx.stderr.write(err.end());
      if (result.exitCode !== 0) {
        ctx.stderr.write(`command terminated with exit code ${result.exitCode}\n`);
        ctx.exitCode = result.exitCode;
      }
    }),
  };
}
