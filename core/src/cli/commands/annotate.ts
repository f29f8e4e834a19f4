import type { CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { keyValueCommand } from '../kube/key-values.js';

/** `corral annotate TYPE NAME k=v k2-`: kubectl annotate. */
export function annotateCommand(ctx: CliContext): CommandModule<GlobalArgs, any> {
  return keyValueCommand(ctx, 'annotations');
}
