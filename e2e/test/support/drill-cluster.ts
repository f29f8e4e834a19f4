// The failure drills' cluster: a one-node cluster of cluster-up.ts named `e2e-node`, as
// `corral up` or (split) as `corral server` and `corral agent` apart; and what the drills look
// at on it (pods by phase, the host PIDs of their containers).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PODS, type ApiClient, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startClusterUp, type ClusterUp } from './cluster-up.js';

export { CORRAL_BIN, runCli } from './cli.js';
export { freePort } from './ports.js';

export const NODE_NAME = 'e2e-node';

const run = promisify(execFile);

export type DrillCluster = ClusterUp;

export interface DrillClusterOptions {
  /** `corral server` + `corral agent` as two processes instead of `corral up`. */
  split?: boolean;
  /** With split: no agent at all (an API server on its own). */
  noAgent?: boolean;
}

/** Starts the cluster and waits until its node is Ready. */
export function startDrillCluster(options: DrillClusterOptions = {}): Promise<DrillCluster> {
  return startClusterUp({ name: 'drill', nodeName: NODE_NAME, ...options });
}

/** The pod, once its phase and first container match `ok`. */
export function podWhen(client: ApiClient, name: string, what: string, ok: (p: Pod) => boolean, ms = 30_000): Promise<Pod> {
  return waitFor(`${name}: ${what}`, async () => {
    const p = await client.get<Pod>(PODS, name, { namespace: 'default' }).catch(() => undefined);
    return p && ok(p) ? p : undefined;
  }, ms);
}

/**
 * The host PID of a pod's container main process, from the process runtime's record of it
 * (`runtime-process/containers/<id>/container.json` under the agent's root dir).
 */
export async function containerPid(cluster: DrillCluster, pod: Pod, container = 0): Promise<number> {
  const id = pod.status?.containerStatuses?.[container]?.containerID?.replace(/^process:\/\//, '');
  if (!id) throw new Error(`pod ${pod.metadata.name} has no container ID yet`);
  const { stdout } = await run('find', [join(cluster.dir, 'agent'), '-path', `*/runtime-process/containers/${id}/container.json`]);
  const file = stdout.trim().split('\n')[0];
  if (!file) throw new Error(`no runtime record of container ${id} (pod ${pod.metadata.name}) under ${cluster.dir}/agent`);
  const record = JSON.parse(await readFile(file, 'utf8')) as { main?: { pid: number } };
  if (!record.main?.pid) throw new Error(`${file} records no main process`);
  return record.main.pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
