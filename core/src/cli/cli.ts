import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { ConfigError } from '../kernel/ConfigError.js';
import { commandOf } from './args.js';
import { commands, type CommandEntry } from './commands/index.js';
import type { CliContext } from './context.js';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

class UsageError extends Error {}

/** The command `args` run, alone; every command when none is named (help, usage errors, completion). */
function commandsFor(args: readonly string[]): readonly CommandEntry[] {
  const named = commands.find((c) => c.name === commandOf(args));
  return named && !args.includes('--get-yargs-completions') ? [named] : commands;
}

/**
 * Runs the `corral` CLI on `args` (without node and the script); returns the exit code:
 * 0 done, 1 failed (a config problem, or a command's error), 2 wrong usage.
 */
export async function runCli(args: readonly string[], io: Partial<Omit<CliContext, 'exitCode'>> = {}): Promise<number> {
  const ctx: CliContext = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    stdin: io.stdin ?? process.stdin,
    exitCode: 0,
  };
  const cli = yargs([...args])
    .scriptName('corral')
    .version(version)
    .option('config', {
      type: 'string',
      global: true,
      describe: 'config file (YAML or JSON), layered on the built-in defaults',
      defaultDescription: '$CORRAL_CONFIG',
    })
    .middleware((argv) => {
      // A flag beats the environment; an empty CORRAL_CONFIG means "none".
      if (argv.config === undefined && ctx.env.CORRAL_CONFIG) argv.config = ctx.env.CORRAL_CONFIG;
    })
    .demandCommand(1, 'name a command')
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  for (const factory of await Promise.all(commandsFor(args).map((c) => c.load()))) cli.command(factory(ctx));
  try {
    await cli.parseAsync();
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof ConfigError) {
      ctx.stderr.write(`${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      ctx.stderr.write(`corral: ${err.message}\nRun "corral --help" for usage.\n`);
      return 2;
    }
    ctx.stderr.write(`corral: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
