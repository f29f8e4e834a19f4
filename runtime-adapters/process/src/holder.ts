import { spawn } from 'node:child_process';
import type { PodSandboxConfig } from '@corral/core/kernel';
import type { Tools } from './host.js';
import { processRef, type ProcessRef } from './procs.js';

/**
 * The pod's namespace holder (the pause container of the seed): a `sleep` that owns the pod's
 * network, IPC and UTS namespaces, which the pod's containers join with nsenter. It is set up
 * (hostname, loopback up) before it reports ready, and runs detached from the agent.
 * A pod given `netnsPath` joins that network namespace; a hostNetwork pod keeps the host's
 * network and UTS namespaces and only gets its own IPC namespace.
 */
export function startHolder(config: PodSandboxConfig, tools: Tools): Promise<ProcessRef> {
  const { unshare, nsenter, ip, sleep } = tools;
  if (!unshare || !nsenter || !ip || !sleep) {
    return Promise.reject(new Error('runtime-process: pod namespaces need unshare, nsenter (util-linux), ip (iproute2) and sleep (coreutils)'));
  }
  const ownNetwork = !config.hostNetwork && !config.netnsPath;
  const setup = [
    // The hostname of the new UTS namespace, without running hostname(1).
    ...(config.hostNetwork ? [] : ['printf %s "$CORRAL_HOSTNAME" > /proc/sys/kernel/hostname || exit 1']),
    ...(ownNetwork ? ['"$CORRAL_IP" link set lo up || exit 1'] : []),
    'echo ready',
    'exec "$CORRAL_SLEEP" infinity </dev/null >/dev/null 2>&1',
  ].join('\n');
  const namespaces = config.hostNetwork ? ['--ipc'] : ['--ipc', '--uts', ...(ownNetwork ? ['--net'] : [])];
  let argv = [unshare, ...namespaces, '--', tools.sh, '-c', setup];
  if (config.netnsPath && !config.hostNetwork) argv = [nsenter, `--net=${config.netnsPath}`, '--', ...argv];
  const name = `${config.namespace}/${config.name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
        CORRAL_HOSTNAME: (config.hostname ?? config.name).slice(0, 63),
        CORRAL_IP: ip,
        CORRAL_SLEEP: sleep,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => reject(new Error(`runtime-process: pod ${name}: cannot start its namespace holder: ${e.message}`)));
    let open = 2;
    const done = () => {
      if (--open > 0) return;
      child.unref();
      if (out !== 'ready\n' || !child.pid) {
        reject(new Error(`runtime-process: pod ${name}: setting up its namespaces failed: ${err.trim() || 'no output'}`));
        return;
      }
      processRef(child.pid).then(resolve, reject);
    };
    child.stdout.on('close', done);
    child.stderr.on('close', done);
  });
}
