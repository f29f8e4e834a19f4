// Forwarding through a host firewall that drops by default. Docker, ufw and firewalld set the
// filter table's FORWARD policy to DROP, and with br_netfilter even frames bridged between two
// pods pass that chain: a node with Docker on it would then cut its pods off from each other and
// from other nodes. Like flannel and kube-proxy, Corral appends to FORWARD a jump into a chain
// of its own that accepts its interfaces' traffic, and removes both when it is done. The jump is
// appended, so rules others put first (the iptables proxy's rejects) still come first.
import { execFile } from 'node:child_process';

export interface ForwardAcceptRules {
  /** The chain's name: at most 28 characters. */
  readonly chain: string;
  /** Accepts what arrives on or leaves through these interfaces (a bridge: what crosses it, too). */
  readonly interfaces: readonly string[];
  /** A network namespace (by name) to make them in; the caller's own when absent. */
  readonly netns?: string;
  /** Says why the jump exists, in `iptables -S`. */
  readonly comment: string;
}

export class ForwardRulesError extends Error {
  constructor(
    readonly command: string,
    readonly stderr: string,
  ) {
    super(`${command}: ${stderr}`);
  }
}

function iptables(args: readonly string[], netns: string | undefined, input?: string, command = 'iptables'): Promise<string> {
  const [file, argv] = netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, [...args]];
  const where = netns ? ` (in network namespace ${netns})` : '';
  return new Promise((resolve, reject) => {
    const child = execFile(file, argv, (err, stdout, stderr) => {
      if (err) reject(new ForwardRulesError(`${command} ${args.join(' ')}${where}`, (stderr || err.message).trim()));
      else resolve(stdout);
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function checkChain(chain: string): void {
  if (chain.length > 28 || !/^[A-Za-z0-9_-]+$/.test(chain)) {
    throw new Error(`forwarding chain name "${chain}" must be at most 28 characters of letters, digits, "-" and "_"`);
  }
}

const jump = (rules: Pick<ForwardAcceptRules, 'chain' | 'comment'>) => ['FORWARD', '-m', 'comment', '--comment', rules.comment, '-j', rules.chain];

/**
 * Makes (or brings up to date) the chain accepting the interfaces' forwarded traffic, and the
 * jump to it at the end of FORWARD. Idempotent: a second call rewrites the chain in one step.
 */
export async function ensureForwardAccept(rules: ForwardAcceptRules): Promise<void> {
  checkChain(rules.chain);
  const lines = ['*filter', `:${rules.chain} - [0:0]`];
  for (const dev of rules.interfaces) lines.push(`-A ${rules.chain} -i ${dev} -j ACCEPT`, `-A ${rules.chain} -o ${dev} -j ACCEPT`);
  lines.push('COMMIT', '');
  // Declaring the chain in a no-flush restore empties it first, so the rules replace, never pile up.
  await iptables(['-w', '--noflush'], rules.netns, lines.join('\n'), 'iptables-restore');
  try {
    await iptables(['-w', '-C', ...jump(rules)], rules.netns);
  } catch {
    await iptables(['-w', '-A', ...jump(rules)], rules.netns);
  }
}

/** Removes the jump (every copy) and the chain; what is already gone is no error. */
export async function removeForwardAccept(rules: Pick<ForwardAcceptRules, 'chain' | 'comment' | 'netns'>): Promise<void> {
  checkChain(rules.chain);
  for (let i = 0; i < 16; i++) {
    try {
      await iptables(['-w', '-D', ...jump(rules)], rules.netns);
    } catch {
      break;
    }
  }
  await iptables(['-w', '-F', rules.chain], rules.netns).catch(() => undefined);
  await iptables(['-w', '-X', rules.chain], rules.netns).catch(() => undefined);
}

/** Whether the machine has iptables at all: without it there is no firewall of this kind to pass. */
export async function haveIptables(): Promise<boolean> {
  try {
    await iptables(['--version'], undefined);
    return true;
  } catch {
    return false;
  }
}
