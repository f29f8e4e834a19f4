import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PodSandboxConfig } from '@corral/core/kernel';
import { waitForFileOrEnd } from './files.js';
import type { Tools } from './host.js';
import type { Launcher } from './launcher.js';
import { processRef, signal, type ProcessRef } from './procs.js';

const READY_FILE = 'holder-ready';
const ERROR_FILE = 'holder.err';
const READY_TIMEOUT_MS = 10_000;

/**
 * The pod's namespace holder (the pause container of the seed): a `sleep` that owns the pod's
 * network, IPC and UTS namespaces, which the pod's containers join with nsenter. It is set up
 * (hostname, loopback up) before it reports ready (a file in the sandbox's directory `dir`),
 * and runs detached from the agent.
 * A pod given `netnsPath` joins that network namespace; a hostNetwork pod keeps the host's
 * network and UTS namespaces and only gets its own IPC namespace.
 */
export async function startHolder(config: PodSandboxConfig, tools: Tools, launcher: Launcher, dir: string): Promise<ProcessRef> {
  const { unshare, nsenter, ip, sleep } = tools;
  if (!unshare || !nsenter || !ip || !sleep) {
    throw new Error('runtime-process: pod namespaces need unshare, nsenter (util-linux), ip (iproute2) and sleep (coreutils)');
  }
  const ownNetwork = !config.hostNetwork && !config.netnsPath;
  const setup = [
    // The hostname of the new UTS namespace, without running hostname(1).
    ...(config.hostNetwork ? [] : ['printf %s "$CORRAL_HOSTNAME" > /proc/sys/kernel/hostname || exit 1']),
    ...(ownNetwork ? ['"$CORRAL_IP" link set lo up || exit 1'] : []),
    ': > "$CORRAL_READY" || exit 1',
    'exec "$CORRAL_SLEEP" infinity',
  ].join('\n');
  const namespaces = config.hostNetwork ? ['--ipc'] : ['--ipc', '--uts', ...(ownNetwork ? ['--net'] : [])];
  let argv = [unshare, ...namespaces, '--', tools.sh, '-c', setup];
  if (config.netnsPath && !config.hostNetwork) argv = [nsenter, `--net=${config.netnsPath}`, '--', ...argv];
  const name = `${config.namespace}/${config.name}`;
  let pid: number;
  try {
    pid = await launcher.launch({
      argv,
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        CORRAL_HOSTNAME: (config.hostname ?? config.name).slice(0, 63),
        CORRAL_IP: ip,
        CORRAL_SLEEP: sleep,
        CORRAL_READY: join(dir, READY_FILE),
      },
      stdout: '/dev/null',
      stderr: join(dir, ERROR_FILE),
    });
  } catch (err) {
    throw new Error(`runtime-process: pod ${name}: cannot start its namespace holder: ${(err as Error).message}`);
  }
  const ref = await processRef(pid);
  const outcome = await waitForFileOrEnd(dir, READY_FILE, ref, READY_TIMEOUT_MS);
  if (outcome !== 'found') {
    signal(pid, 'SIGKILL');
    const why = outcome === 'ended' ? (await readFile(join(dir, ERROR_FILE), 'utf8').catch(() => '')).trim() || 'it ended' : `not ready within ${READY_TIMEOUT_MS / 1000} s`;
    throw new Error(`runtime-process: pod ${name}: setting up its namespaces failed: ${why}`);
  }
  return ref;
}
