// The guestbook example (examples/guestbook) as its README has a user run it: `corral up` with a
// runtime, `corral apply -f examples/guestbook/`, then the frontend through its NodePort. The
// cluster is one of cluster-up.ts, its NodePorts on a loopback address of its own; stop()
// deletes the example first, then takes all of it away.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { PODS, type ApiClient, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startClusterUp, type ClusterUp } from './cluster-up.js';
import type { ImageSpec } from './images.js';

export const EXAMPLE_DIR = fileURLToPath(new URL('../../../../examples/guestbook/', import.meta.url));
const NODE_NAME = 'guestbook-node';
export const NODE_PORT = 30001;

/** The images the manifests name (only recorded by the process runtime). */
export const GUESTBOOK_IMAGES: Record<'redis' | 'frontend', ImageSpec> = {
  redis: {
    name: 'corral.local/guestbook-redis:1',
    programs: [
      { program: 'redis-server', debianPackage: 'redis-server' },
      { program: 'redis-cli', debianPackage: 'redis-tools' },
    ],
  },
  frontend: { name: 'corral.local/guestbook-frontend:1', programs: [{ program: process.execPath, debianPackage: 'nodejs' }] },
};

export interface GuestbookCluster extends ClusterUp {
  /** The runtime the node runs pods with (containerIDs start with `<runtime>://`). */
  readonly runtime: string;
}

export interface GuestbookClusterOptions {
  readonly runtime: 'process' | 'docker' | 'cri';
  /** The runtime plugin's config lines (YAML list items, indented by two). */
  readonly runtimePlugin: readonly string[];
}

/**
 * Runs `corral up --runtime <runtime>` until its node is Ready, its NodePorts on a loopback
 * address of its own (the manifest fixes the frontend's NodePort).
 */
export async function startGuestbookCluster(options: GuestbookClusterOptions): Promise<GuestbookCluster> {
  const cluster = await startClusterUp({
    name: `guestbook-${options.runtime}`,
    nodeName: NODE_NAME,
    runtime: options.runtime,
    runtimePlugin: options.runtimePlugin,
    runtimeFlag: true,
    nodePortAddress: true,
    // Deleted pods are removed, not only stopped, so the mount points the process runtime made
    // for them (/app) go too.
    async beforeStop({ cli, client }) {
      await cli(['delete', '-f', EXAMPLE_DIR, '--ignore-not-found']);
      await waitFor('the guestbook pods gone', async () => (await client.list<Pod>(PODS, { namespace: 'default' })).items.length === 0, 60_000).catch(() => undefined);
    },
  });
  return { ...cluster, runtime: options.runtime };
}

interface HttpAnswer {
  readonly status: number;
  readonly servedBy: string;
  readonly body: string;
}

/** One GET on a connection of its own, so that the Service's round robin picks a backend each time. */
function httpGet(host: string, port: number, path: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, timeout: 5_000, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, servedBy: String(res.headers['x-served-by'] ?? ''), body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

type Redis = (host: string, port: number, commands: string[][]) => Promise<unknown[]>;

/** The frontend's own Redis client (examples/guestbook/frontend/redis.mjs), to ask the master directly. */
async function redisClient(): Promise<Redis> {
  const module = (await import(new URL('frontend/redis.mjs', `file://${EXAMPLE_DIR}`).href)) as { redis: Redis };
  return module.redis;
}

function podsOf(client: ApiClient, name: string): Promise<Pod[]> {
  return client.list<Pod>(PODS, { namespace: 'default', labelSelector: `name=${name}` }).then((l) => l.items);
}

const running = (p: Pod) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).every((c) => c.ready);

export type GuestbookPods = Record<'redis-master' | 'redis-slave' | 'frontend', Pod[]>;

/**
 * The README's walk-through: apply the example, wait for its six pods, sign the guestbook
 * through one frontend pod, read the entry back through another, from a slave, then delete it
 * all. `whileRunning` looks at the runtime's side before the deletion.
 */
export async function checkGuestbook(t: ExecutionContext, cluster: GuestbookCluster, whileRunning?: (pods: GuestbookPods) => Promise<void>): Promise<void> {
  const { client } = cluster;
  // The committed ConfigMap is the frontend's files as they are.
  const generator = (await import(new URL('frontend/configmap.mjs', `file://${EXAMPLE_DIR}`).href)) as { frontendConfigMap(): string };
  t.is(await readFile(join(EXAMPLE_DIR, '03-frontend-app.yaml'), 'utf8'), generator.frontendConfigMap(), '03-frontend-app.yaml is up to date with frontend/');

  const applied = await cluster.cli(['apply', '-f', EXAMPLE_DIR]);
  t.is(applied.code, 0, applied.stderr);
  t.regex(applied.stdout, /replicationcontroller\/frontend created/);

  const expected = { 'redis-master': 1, 'redis-slave': 2, frontend: 3 } as const;
  const pods = await waitFor(
    'all six guestbook pods Running and ready',
    async () => {
      const all: Record<string, Pod[]> = {};
      for (const [name, count] of Object.entries(expected)) {
        const list = await podsOf(client, name);
        if (list.length !== count || !list.every(running)) return undefined;
        all[name] = list;
      }
      return all as GuestbookPods;
    },
    90_000,
  ).catch(async (err: Error) => {
    const listed = await cluster.cli(['get', 'pods', '-o', 'wide']);
    throw new Error(`${err.message}\n${listed.stdout}${listed.stderr}\n${cluster.output().slice(-3000)}`);
  });
  const frontends = new Set(pods.frontend.map((p) => p.metadata.name!));
  for (const pod of Object.values(pods).flat()) {
    t.true(pod.status!.containerStatuses![0]!.containerID!.startsWith(`${cluster.runtime}://`), `${pod.metadata.name} runs on the ${cluster.runtime} runtime`);
  }

  // The slaves replicate from the master, through its Service.
  const redis = await redisClient();
  const masterIP = pods['redis-master'][0]!.status!.podIP!;
  const replication = await waitFor('the master to see both slaves online', async () => {
    const [info] = (await redis(masterIP, 6379, [['INFO', 'replication']])) as [string];
    return /connected_slaves:2/.test(info) && (info.match(/state=online/g) ?? []).length === 2 ? info : undefined;
  }, 30_000);
  t.regex(replication, /role:master/);

  // The page, once the proxy has the frontend's endpoints (until then it resets connections).
  const page = await waitFor('the page through the NodePort', async () => {
    const answer = await httpGet(cluster.nodeAddress, NODE_PORT, '/');
    return answer.status === 200 ? answer : undefined;
  });
  t.regex(page.body, /<title>Guestbook<\/title>/);

  // Sign through the NodePort; the answer names the frontend pod that wrote it.
  const entry = `signed ${new Date().toISOString()} #${randomInt(1e6)}`;
  const set = await waitFor('the entry written through the NodePort', async () => {
    const answer = await httpGet(cluster.nodeAddress, NODE_PORT, `/guestbook?cmd=set&key=messages&value=${encodeURIComponent(entry)}`);
    return answer.status === 200 ? answer : undefined;
  });
  t.deepEqual(JSON.parse(set.body), { message: 'Updated' });
  t.true(frontends.has(set.servedBy), `X-Served-By "${set.servedBy}" is a frontend pod`);

  // Read back through the NodePort until another frontend pod answers with the entry.
  const read = await waitFor('the entry read back through another frontend pod', async () => {
    const answer = await httpGet(cluster.nodeAddress, NODE_PORT, '/guestbook?cmd=get&key=messages');
    if (answer.status !== 200 || answer.servedBy === set.servedBy) return undefined;
    const value = JSON.parse(answer.body) as { data: string; role: string };
    return value.data === entry ? { ...answer, value } : undefined;
  }, 20_000);
  t.true(frontends.has(read.servedBy), `X-Served-By "${read.servedBy}" is a frontend pod`);
  t.not(read.servedBy, set.servedBy, 'a different frontend pod read it');
  t.is(read.value.role, 'slave', 'the entry came from a Redis slave');
  // Each slave holds the entry itself (as the README shows with `corral exec`).
  for (const slave of pods['redis-slave']) {
    const exec = () => cluster.cli(['exec', slave.metadata.name!, '--', 'redis-cli', 'get', 'messages']);
    // The other slave may be a moment behind.
    const got = await waitFor(`the entry on ${slave.metadata.name}`, async () => ((await exec()).stdout === `${entry}\n` ? true : undefined), 10_000).then(exec, exec);
    t.is(got.code, 0, got.stderr);
    t.is(got.stdout, `${entry}\n`, `redis-cli get messages on ${slave.metadata.name}`);
  }
  await whileRunning?.(pods);

  // Cleaning up as the README says: every pod goes.
  const deleted = await cluster.cli(['delete', '-f', EXAMPLE_DIR]);
  t.is(deleted.code, 0, deleted.stderr);
  await waitFor('every guestbook pod gone', async () => (await client.list<Pod>(PODS, { namespace: 'default' })).items.length === 0, 60_000);
}
