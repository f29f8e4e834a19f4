import type { CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';
import { keyValueCommand } from '../kube/key-values.js';

/** `corral label TYPE NAME k=v k2-`: kubectl label. */
export function labelCommand(ctx: CliContext): CommandModule<GlobalArgs, any> {
  return keyValueCommand(ctx, 'labels');
}
