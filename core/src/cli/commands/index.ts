import type { CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { agentCommand } from './agent.js';
import { annotateCommand } from './annotate.js';
import { apiResourcesCommand } from './api-resources.js';
import { applyCommand } from './apply.js';
import { completionCommand } from './completion.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { editCommand } from './edit.js';
import { execCommand } from './exec.js';
import { getCommand } from './get.js';
import { labelCommand } from './label.js';
import { logsCommand } from './logs.js';
import { pluginsCommand } from './plugins.js';
import { replaceCommand } from './replace.js';
import { rollingUpdateCommand } from './rolling-update.js';
import { rolloutCommand } from './rollout.js';
import { scaleCommand } from './scale.js';
import { serverCommand } from './server.js';
import { setCommand } from './set.js';
import { upCommand } from './up.js';
import { versionCommand } from './version.js';

/** A command: one file in this folder exporting a factory, plus one line in `commands`. */
export type CommandFactory = (ctx: CliContext) => CommandModule<GlobalArgs, any>;

export const commands: readonly CommandFactory[] = [
  upCommand,
  serverCommand,
  agentCommand,
  pluginsCommand,
  applyCommand,
  createCommand,
  replaceCommand,
  getCommand,
  describeCommand,
  deleteCommand,
  editCommand,
  scaleCommand,
  setCommand,
  labelCommand,
  annotateCommand,
  rolloutCommand,
  rollingUpdateCommand,
  logsCommand,
  execCommand,
  apiResourcesCommand,
  versionCommand,
  completionCommand,
];
