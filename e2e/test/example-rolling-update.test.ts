// examples/rolling-update, step by step as its README says: web 1.7 -> 1.9, history, undo,
// pause and resume, while a client hammers the Service's ClusterIP (through the userspace proxy)
// on a new connection per request. Readiness, maxUnavailable 0 and the preStop pause must keep
// every one of those requests answered.
import test from 'ava';
import { join } from 'node:path';
import { ApiClient, PODS, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { exampleCluster, exampleDir, httpGet } from './support/examples.js';

interface Tally {
  ok: number;
  failed: number;
  readonly failures: string[];
  readonly versions: Map<string, number>;
}

/** GETs in a loop from `workers` clients until stopped; every answer must be a web page. */
function hammer(host: string, workers: number): { tally: Tally; stop(): Promise<Tally> } {
  const tally: Tally = { ok: 0, failed: 0, failures: [], versions: new Map() };
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const { status, body } = await httpGet(host, 80);
        const version = /^web (\S+) from /.exec(body)?.[1];
        if (status !== 200 || !version) throw new Error(`answered ${status}: ${JSON.stringify(body)}`);
        tally.ok++;
        tally.versions.set(version, (tally.versions.get(version) ?? 0) + 1);
      } catch (err) {
        tally.failed++;
        tally.failures.push(`${new Date().toISOString()} ${(err as Error).message}`);
      }
      // A short breath between requests leaves this 2-core machine to the cluster under test.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const loops = Array.from({ length: workers }, loop);
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

/** The version the Service serves, once `count` answers in a row agree. */
async function servedVersion(host: string, count = 6): Promise<string> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) seen.add(/^web (\S+) from /.exec((await httpGet(host, 80)).body)?.[1] ?? '?');
  return seen.size === 1 ? [...seen][0]! : [...seen].sort().join(',');
}

test('examples/rolling-update: 1.7 -> 1.9, undo, pause and resume, with zero failed requests', async (t) => {
  // Three rollouts with a CLI process per step: on a busy 2-core machine this outlasts ava's default.
  t.timeout(5 * 60_000);
  const cluster = await exampleCluster('roll');
  t.teardown(() => cluster.stop());
  const { corral } = cluster;
  const file = (name: string) => join(exampleDir('rolling-update'), name);
  const rolledOut = async () => t.regex(await corral('rollout', 'status', 'deployment/web', '--timeout', '120s'), /successfully rolled out/);
  const serves = (version: string) => waitFor(`every answer from web ${version}`, async () => (await servedVersion(ip)) === version, 30_000);
  // Checks between the README's steps read the API directly: quicker than a CLI process each.
  const api = ApiClient.fromKubeconfig({ path: cluster.kubeconfig, env: {} });
  t.teardown(() => api.close());
  const replicaSetsRef = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' };
  const replicaSets = async () =>
    (await api.list<{ apiVersion: string; kind: string; metadata: { name?: string }; spec: { replicas?: number } }>(replicaSetsRef, { namespace: 'default', labelSelector: 'app=web' })).items
      .map((rs) => `${rs.metadata.name}=${rs.spec.replicas}`)
      .sort();
  const webPods = async () => (await api.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.map((p) => p.metadata.name!).sort();

  // 1. web 1.7 behind its Service.
  t.regex(await corral('apply', '-f', file('service.yaml'), '-f', file('web-1.7.yaml')), /deployment\.apps\/web created/);
  await rolledOut();
  const ip = await corral('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}');
  t.regex(ip, new RegExp(`^10\\.223\\.${cluster.subnet}\\.\\d+$`), `a ClusterIP from the test's Service range: ${ip}`);
  await serves('1.7');

  // 2. The client that must see no failure, from here to the end.
  const client = hammer(ip, 2);
  t.teardown(() => client.stop());

  // 3. Upgrade to 1.9.
  t.regex(await corral('apply', '-f', file('web-1.9.yaml')), /deployment\.apps\/web configured/);
  await rolledOut();
  await serves('1.9');

  // 4. History: one revision per version, with the change-cause of each.
  const history = await corral('rollout', 'history', 'deployment/web');
  t.regex(history, /^1\s+web 1\.7$/m, history);
  t.regex(history, /^2\s+web 1\.9$/m, history);

  // 5. Undo: back to 1.7, as revision 3.
  t.regex(await corral('rollout', 'undo', 'deployment/web'), /rolled back/);
  await rolledOut();
  await serves('1.7');
  t.regex(await corral('rollout', 'history', 'deployment/web'), /^3\s+web 1\.7$/m);

  // 6. Pause, change the image and the version, see nothing roll; resume: one rollout, to 1.9.
  await waitFor('the old pods to finish terminating', async () => (await webPods()).length === 3, 60_000);
  t.regex(await corral('rollout', 'pause', 'deployment/web'), /paused/);
  const before = await replicaSets();
  const podsBefore = await webPods();
  t.regex(await corral('set', 'image', 'deployment/web', 'web=corral.dev/web:1.9'), /image updated/);
  t.regex(await corral('apply', '-f', file('web-1.9.yaml')), /configured/);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  t.deepEqual(await replicaSets(), before, 'paused: no ReplicaSet scaled');
  t.deepEqual(await webPods(), podsBefore, 'paused: the same pods');
  t.is(await servedVersion(ip), '1.7');
  t.regex(await corral('rollout', 'resume', 'deployment/web'), /resumed/);
  await rolledOut();
  await serves('1.9');
  t.regex(await corral('rollout', 'history', 'deployment/web'), /^4\s+web 1\.9$/m);
  const images = (await api.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]!.image);
  t.deepEqual(images, ['corral.dev/web:1.9', 'corral.dev/web:1.9', 'corral.dev/web:1.9']);

  const tally = await client.stop();
  t.log(`requests during the rollouts: ${tally.ok} answered, ${tally.failed} failed; versions ${JSON.stringify(Object.fromEntries(tally.versions))}`);
  t.deepEqual(tally.failures, [], 'no request failed');
  t.true(tally.ok >= 200, `a real number of requests: ${tally.ok}`);
  t.true((tally.versions.get('1.7') ?? 0) > 0 && (tally.versions.get('1.9') ?? 0) > 0, 'both versions answered');

  t.regex(await corral('delete', '-f', file('web-1.9.yaml'), '-f', file('service.yaml')), /deleted/);
  await waitFor('the pods gone', async () => (await webPods()).length === 0, 60_000);
  t.is(await cluster.stop(), 0, cluster.output());
});
