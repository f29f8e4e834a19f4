// The failure drills' cluster: a one-node cluster of cluster-up.ts named `e2e-node`, as
// `corral up` or (split) as `corral server` and `corral agent` apart; and what the drills look
// at on it (pods by phase, the host PIDs of their containers).
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PODS, type ApiClient, type Deployment, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startClusterUp, type ClusterUp } from './cluster-up.js';
import { httpGet } from './examples.js';

export { CORRAL_BIN, runCli } from './cli.js';
export { freePort } from './ports.js';
export { isAlive } from './processes.js';

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


export const DEPLOYMENTS = { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' } as const;

/**
 * Creates `web`: `replicas` of busybox's httpd serving a page of `text` from the cluster's dir,
 * ready (and, with `liveness`, alive) by an HTTP probe on port 8080.
 */
export async function createWebDeployment(cluster: DrillCluster, text: string, options: { replicas?: number; liveness?: boolean } = {}): Promise<Deployment> {
  const www = join(cluster.dir, 'www');
  await mkdir(www, { recursive: true });
  await writeFile(join(www, 'index.html'), text);
  const probe = (periodSeconds: number) => ({ httpGet: { path: '/', port: 8080 }, periodSeconds });
  return cluster.client.create<Deployment>(DEPLOYMENTS, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'httpd',
              image: 'busybox',
              command: ['sh', '-c', `exec busybox httpd -f -p 8080 -h ${www}`],
              ports: [{ containerPort: 8080 }],
              readinessProbe: probe(1),
              ...(options.liveness ? { livenessProbe: probe(2) } : {}),
            },
          ],
        },
      },
    },
  });
}

/** One GET of `/` given 2 s, never rejected: ok with the body, or what went wrong. */
export function askWeb(host: string, port: number): Promise<{ ok: boolean; text: string }> {
  return httpGet(host, port, '/', 2_000).then(
    (answer) => (answer.status === 200 ? { ok: true, text: answer.body } : { ok: false, text: `HTTP ${answer.status}` }),
    (err: Error) => ({ ok: false, text: err.message }),
  );
}
