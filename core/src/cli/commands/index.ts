import type { CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { pluginsCommand } from './plugins.js';
import { upCommand } from './up.js';

/** A command: one file in this folder exporting a factory, plus one line in `commands`. */
export type CommandFactory = (ctx: CliContext) => CommandModule<GlobalArgs, any>;

export const commands: readonly CommandFactory[] = [
  upCommand,
  pluginsCommand,
];
