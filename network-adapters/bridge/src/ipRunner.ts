// The bridge's `ip` runs, through one command runner per agent process (see runner.ts). Should
// the runner not run (no perl), or end under a command, they are spawned from Node as before.
import { ip as spawnIp, IpError } from '@corral/core/net';
import { CommandRunner } from './runner.js';

let shared: CommandRunner | undefined;
let unavailable = false;

export async function ip(args: readonly string[], input?: string): Promise<string> {
  if (!unavailable) {
    shared ??= new CommandRunner();
    let result;
    try {
      result = await shared.run(['ip', ...args], input);
    } catch (err) {
      // A runner that ended is started again by the next call; one that cannot start never will.
      unavailable = /could not run/.test((err as Error).message);
      shared = undefined;
    }
    if (result) {
      if (result.code !== 0) throw new IpError(args, (result.stderr || `exit code ${result.code}`).trim());
      return result.stdout;
    }
  }
  return spawnIp(args, input);
}

/** Runs `commands` (lines of `ip` syntax) in one process; `-force` carries on past an error and reports it. */
export function ipBatch(commands: readonly string[], netns?: string): Promise<string> {
  return ip([...(netns ? ['-n', netns] : []), '-force', '-batch', '-'], commands.join('\n') + '\n');
}

export async function linkExists(name: string, netns?: string): Promise<boolean> {
  return ip([...(netns ? ['-n', netns] : []), 'link', 'show', name]).then(
    () => true,
    () => false,
  );
}
