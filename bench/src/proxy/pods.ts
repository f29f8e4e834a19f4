// The proxy benchmark's pods: two small HTTP servers, each a process of its own. As root they
// live as pods do, each in a network namespace of its own behind a veth on a bridge of the
// benchmark's own, so the direct runs and the proxied ones take the same path (host -> bridge ->
// pod) and differ only by the proxy. Without root they listen on loopback.
import { execFile, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const sh = promisify(execFile);

export interface Pods {
  /** Where each pod serves. */
  readonly endpoints: { ip: string; port: number }[];
  readonly pids: number[];
  /** "bridge" (each pod in its own namespace) or "loopback". */
  readonly path: 'bridge' | 'loopback';
  /** A /24 of the benchmark's own routed into the bridge, for ClusterIPs (bridge only). */
  readonly serviceRange?: string;
  /**
   * Host addresses on the bridge for clients, one per path of the benchmark (bridge only): each
   * path's connections leave TIME_WAIT and conntrack state only in a tuple space of their own.
   */
  readonly clientAddresses?: string[];
  stop(): Promise<void>;
}

const PORT = 8080;

/** Starts `backend.js` (prefixed by `wrap`, e.g. `ip netns exec NS`) and resolves with its port. */
function backend(wrap: string[], args: string[], cpu?: number): Promise<{ port: number; pid: number; kill(): void; exited: Promise<void> }> {
  const argv = [...wrap, process.execPath, join(here, 'backend.js'), ...args];
  const command = cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
  const proc = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', (l) => resolve({ port: (JSON.parse(l) as { port: number }).port, pid: proc.pid!, kill: () => proc.kill(), exited }));
    proc.once('exit', (code) => reject(new Error(`the benchmark's pod (${command.join(' ')}) exited ${code} before it listened`)));
  });
}

export async function startPods(options: { root: boolean; cpu?: number }): Promise<Pods> {
  if (!options.root) {
    const servers = await Promise.all([0, 1].map(() => backend([], ['127.0.0.1', '0'], options.cpu)));
    return {
      endpoints: servers.map((s) => ({ ip: '127.0.0.1', port: s.port })),
      pids: servers.map((s) => s.pid),
      path: 'loopback',
      stop: async () => {
        for (const s of servers) s.kill();
        await Promise.all(servers.map((s) => s.exited));
      },
    };
  }
  const id = randomInt(1000, 100000);
  const net = `10.${randomInt(200, 256)}.${randomInt(0, 256)}`;
  const services = `198.18.${randomInt(0, 256)}`;
  const bridge = `crlpx${id}`;
  const cleanups: string[][] = [];
  const servers: Awaited<ReturnType<typeof backend>>[] = [];
  const stop = async () => {
    for (const s of servers) s.kill();
    await Promise.all(servers.map((s) => s.exited));
    for (const c of cleanups.reverse()) await sh(c[0]!, c.slice(1)).catch(() => undefined);
  };
  try {
    await sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
    cleanups.push(['ip', 'link', 'del', bridge]);
    await sh('ip', ['addr', 'add', `${net}.1/24`, 'dev', bridge]);
    const clientAddresses = [101, 102, 103, 104].map((n) => `${net}.${n}`);
    for (const a of clientAddresses) await sh('ip', ['addr', 'add', `${a}/24`, 'dev', bridge]);
    await sh('ip', ['link', 'set', bridge, 'up']);
    // ClusterIPs of the benchmark's own stay on the machine even when no rule matches them.
    await sh('ip', ['route', 'add', `${services}.0/24`, 'dev', bridge]);
    const endpoints: { ip: string; port: number }[] = [];
    for (const i of [0, 1]) {
      const ns = `crlt-px-${id}-${i}`;
      const veth = `crlpx${id}${'ab'[i]}`;
      const podIP = `${net}.${i + 2}`;
      await sh('ip', ['netns', 'add', ns]);
      cleanups.push(['ip', 'netns', 'del', ns]);
      await sh('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      cleanups.push(['ip', 'link', 'del', veth]);
      await sh('ip', ['link', 'set', veth, 'master', bridge, 'up']);
      await sh('ip', ['-n', ns, 'addr', 'add', `${podIP}/24`, 'dev', 'eth0']);
      await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await sh('ip', ['-n', ns, 'route', 'add', 'default', 'via', `${net}.1`]);
      servers.push(await backend(['ip', 'netns', 'exec', ns], ['0.0.0.0', String(PORT)], options.cpu));
      endpoints.push({ ip: podIP, port: PORT });
    }
    return { endpoints, pids: servers.map((s) => s.pid), path: 'bridge', serviceRange: `${services}.0/24`, clientAddresses, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
