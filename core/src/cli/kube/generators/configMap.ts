// kubectl's `create configmap NAME [--from-literal=K=V] [--from-file=[K=]PATH] [--from-env-file=PATH]`.
import type { Argv } from 'yargs';
import { CliError } from '../connect.js';
import { configMapFromSources } from './configMapSources.js';
import type { Generator, GeneratorArgs } from './types.js';

interface ConfigMapArgs extends GeneratorArgs {
  'from-literal'?: string[];
  'from-file'?: string[];
  'from-env-file'?: string[];
}

export const configMapGenerator: Generator<ConfigMapArgs> = {
  command: 'configmap',
  aliases: ['cm'],
  describe: 'Create a ConfigMap from literal values, files or folders, or env files',
  resource: { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  flags: (y) =>
    y
      .option('from-literal', { type: 'string', array: true, describe: 'a KEY=VALUE pair to store (repeatable)' })
      .option('from-file', {
        type: 'string',
        array: true,
        describe: 'a file stored under its name, or under KEY with KEY=PATH; a folder stores each of its files (repeatable)',
      })
      .option('from-env-file', { type: 'string', array: true, describe: 'a file of KEY=VALUE lines, each stored as a key (repeatable)' }) as Argv<ConfigMapArgs>,
  build(name, argv, ctx) {
    const sources = { literals: argv['from-literal'] ?? [], files: argv['from-file'] ?? [], envFiles: argv['from-env-file'] ?? [] };
    if (sources.envFiles.length > 0 && (sources.literals.length > 0 || sources.files.length > 0)) {
      throw new CliError('--from-env-file cannot be combined with --from-file or --from-literal');
    }
    return configMapFromSources(name, sources, ctx.env);
  },
};
