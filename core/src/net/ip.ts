// The `ip` command (iproute2), as the network adapters drive it: one call, or a batch of commands in one process.
import { execFile } from 'node:child_process';

export function ip(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('ip', [...args], (err, stdout, stderr) => {
      if (err) reject(new IpError(args, (stderr || err.message).trim()));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export class IpError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`ip ${args.join(' ')}: ${stderr}`);
  }
}

/** Runs `commands` (lines of `ip` syntax) in one process; `-force` carries on past an error and reports it. */
export function ipBatch(commands: readonly string[], netns?: string): Promise<string> {
  const args = [...(netns ? ['-n', netns] : []), '-force', '-batch', '-'];
  return ip(args, commands.join('\n') + '\n');
}

export async function linkExists(name: string, netns?: string): Promise<boolean> {
  try {
    await ip([...(netns ? ['-n', netns] : []), 'link', 'show', name]);
    return true;
  } catch {
    return false;
  }
}
