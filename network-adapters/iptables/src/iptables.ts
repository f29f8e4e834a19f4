// The iptables commands, waiting for the xtables lock rather than failing on it.
import { execFile } from 'node:child_process';

export function run(command: 'iptables' | 'iptables-restore' | 'iptables-save', args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, [...args], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${command} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** Whether `rule` is in `chain` (iptables -C). */
export async function hasRule(table: string, chain: string, rule: readonly string[]): Promise<boolean> {
  try {
    await run('iptables', ['-w', '-t', table, '-C', chain, ...rule]);
    return true;
  } catch {
    return false;
  }
}

/** The user chains of `table` whose names start with `prefix`. */
export async function chainsWithPrefix(table: string, prefix: string): Promise<string[]> {
  const saved = await run('iptables-save', ['-t', table]);
  return [...saved.matchAll(/^:(\S+) /gm)].map((m) => m[1]!).filter((c) => c.startsWith(prefix));
}
