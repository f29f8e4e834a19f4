import type { ContainerConfig, PodSandboxConfig } from '@corral/core/kernel';
import type { Tools } from './host.js';
import { shellQuote } from './exec.js';
import { mountArgs, MOUNT_SCRIPT } from './mounts.js';

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The container's environment: its own variables, with PATH and HOSTNAME when it sets none. */
export function containerEnv(config: ContainerConfig, sandbox: PodSandboxConfig): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: sandbox.hostname ?? sandbox.name };
  for (const { name, value } of config.env) env[name] = value;
  return env;
}

export interface LaunchPlan {
  /** The container joins the pod holder's namespaces and gets a mount namespace. */
  readonly holderPid?: number;
  readonly hostNetwork: boolean;
  readonly workingDir: string;
}

/**
 * What the shim execs: nsenter into the pod's namespaces, unshare a mount namespace, bind the
 * mounts, cd, exec the command. Without namespaces only the cd and exec remain (mounts are
 * symlinks made beforehand). A container asking for a TTY runs under script(1).
 */
export function containerArgv(config: ContainerConfig, plan: LaunchPlan, tools: Tools): string[] {
  let command = [...config.command, ...config.args];
  // A TTY through script(1); stdin stays /dev/null, as the contract has no attach.
  if (config.tty && tools.script) command = [tools.script, '-qfec', command.map(shellQuote).join(' '), '/dev/null'];
  if (plan.holderPid === undefined) return [tools.sh, '-c', MOUNT_SCRIPT, 'corral-init', plan.workingDir, '0', ...command];
  const ns = `/proc/${plan.holderPid}/ns`;
  const join = plan.hostNetwork ? [`--ipc=${ns}/ipc`] : [`--net=${ns}/net`, `--uts=${ns}/uts`, `--ipc=${ns}/ipc`];
  return [
    tools.nsenter!,
    ...join,
    '--',
    tools.unshare!,
    '--mount',
    '--propagation',
    'slave',
    '--',
    tools.sh,
    '-c',
    MOUNT_SCRIPT,
    'corral-init',
    plan.workingDir,
    ...mountArgs(config.mounts),
    ...command,
  ];
}

/** The shim's env for the init script; MOUNT_SCRIPT unsets its own variables before the exec. */
export function launchEnv(env: Record<string, string>, tools: Tools, readyFile: string): string[] {
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), `CORRAL_MOUNT=${tools.mount ?? 'mount'}`, `CORRAL_READY=${readyFile}`];
}
