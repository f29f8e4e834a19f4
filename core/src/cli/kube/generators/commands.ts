// `corral create <generator> NAME ...`: one yargs subcommand per generator, sharing -n,
// --dry-run, -o and --save-config with `create -f`.
import type { Argv, CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../../context.js';
import { clientHandler } from '../connect.js';
import { configMapGenerator } from './configMap.js';
import { runGenerator } from './run.js';
import { namespaceGenerator, serviceAccountGenerator } from './simple.js';
import type { Generator, GeneratorArgs } from './types.js';

export const GENERATORS: readonly Generator<any>[] = [configMapGenerator, namespaceGenerator, serviceAccountGenerator];

function generatorCommand(ctx: CliContext, generator: Generator<any>): CommandModule<GlobalArgs, GeneratorArgs> {
  return {
    command: `${generator.command} [name]`,
    aliases: [...generator.aliases],
    describe: generator.describe,
    builder: (y) => {
      const named = y.positional('name', { type: 'string', describe: `the ${generator.resource.kind}'s name` }) as unknown as Argv<GeneratorArgs>;
      return generator.flags ? generator.flags(named) : named;
    },
    handler: clientHandler<GeneratorArgs>(ctx, (argv, client) => runGenerator(ctx, client, generator, argv)),
  };
}

/** Adds every generator to `create`'s builder. */
export function withGenerators<T>(ctx: CliContext, y: Argv<T>): Argv<T> {
  let out = y;
  for (const generator of GENERATORS) out = out.command(generatorCommand(ctx, generator) as CommandModule<T, any>);
  return out;
}
