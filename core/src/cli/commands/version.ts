import { readFileSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import type { VersionInfo } from '../../client/ApiClient.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { toYaml } from '../output/printers.js';

const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };

interface VersionArgs extends ClientArgs {
  client: boolean;
  output?: string;
}

/** The client's version in the shape of the server's `/version`. */
export function clientVersion(): VersionInfo {
  const [major = '0', minor = '0'] = version.split('.');
  return { major, minor, gitVersion: `v${version}`, platform: `${process.platform}/${process.arch}`, nodeVersion: process.version };
}

/** `corral version`: client and server versions, as kubectl version. */
export function versionCommand(ctx: CliContext): CommandModule<GlobalArgs, VersionArgs> {
  return {
    command: 'version',
    describe: 'Print the client and server versions',
    builder: (y) =>
      withClientFlags(y)
        .option('client', { type: 'boolean', default: false, describe: "only the client's version (no server needed)" })
        .option('output', { alias: 'o', type: 'string', choices: ['json', 'yaml'], describe: 'print as json or yaml' }) as Argv<VersionArgs>,
    handler: async (argv) => {
      const client = clientVersion();
      if (argv.client) return print(ctx, argv.output, { clientVersion: client });
      if (!argv.output) ctx.stdout.write(`Client Version: ${client.gitVersion}\n`);
      await clientHandler<VersionArgs>(ctx, async (_argv, api) => {
        const server = await api.version();
        if (argv.output) print(ctx, argv.output, { clientVersion: client, serverVersion: server });
        else ctx.stdout.write(`Server Version: ${server.gitVersion ?? `${server.major}.${server.minor}`}\n`);
      })(argv);
      if (ctx.exitCode !== 0 && argv.output) print(ctx, argv.output, { clientVersion: client });
    },
  };
}

function print(ctx: CliContext, output: string | undefined, info: Record<string, VersionInfo>): void {
  if (output === 'json') ctx.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  else if (output === 'yaml') ctx.stdout.write(toYaml(info));
  else if (info.clientVersion) ctx.stdout.write(`Client Version: ${info.clientVersion.gitVersion}\n`);
  else throw new CliError('nothing to print');
}
