// `corral up` stopped with Ctrl-C and started again on the same data dir: the objects are the
// same ones, and the Deployment's pods (stopped on Ctrl-C) run and answer again. The data dir
// carries the version marker of the Corral that ran on it.
import test from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PODS, type Pod, type Service } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { removeBridgeForwarding } from '@corral/network-bridge';
import { ask, clientFor, corralUp, DEPLOYMENTS, podReady, pongDeployment, randomRanges, sh, writeUpConfig, type Up } from './support/corral-up.js';
import { freePort } from './support/ports.js';

const run = promisify(execFile);
const REPLICA_SETS = { group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true, kind: 'ReplicaSet' } as const;

/** The PIDs of the processes whose command line has `token`. */
async function processesWith(token: string): Promise<number[]> {
  const { stdout } = await run('pgrep', ['-f', token]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').map(Number).filter((pid) => pid > 0);
}

test('Ctrl-C stops the pods; corral up again on the same data dir brings back the same objects and running pods', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-e2e-up-restart-'));
  const ranges = randomRanges();
  const bridge = `crle${randomInt(1e4, 1e5)}`;
  const ups: Up[] = [];
  t.teardown(async () => {
    for (const up of ups) await up.stop();
    await sh(`ip link del ${bridge} 2>/dev/null || true`);
    await removeBridgeForwarding(bridge).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });
  const config = await writeUpConfig(dir, ranges, [
    '  - name: "@corral/network-bridge"',
    `    options: { bridge: ${bridge} }`,
    '  - name: "@corral/network-userspace"',
    `    options: { serviceInterface: crls${ranges.r}r }`,
  ]);
  const dataDir = join(dir, 'data');
  const kubeconfig = join(dir, 'kubeconfig');
  const args = ['--config', config, '--data-dir', dataDir, '--listen', `127.0.0.1:${await freePort()}`, '--kubeconfig', kubeconfig, '--node-name', `upr${randomInt(1000, 10000)}`];
  ups.push(await corralUp(args));

  const { version } = JSON.parse(await readFile(new URL('../../../core/package.json', import.meta.url), 'utf8')) as { version: string };
  t.is((JSON.parse(await readFile(join(dataDir, 'corral-version.json'), 'utf8')) as { version: string }).version, version);

  const client = clientFor(kubeconfig);
  t.teardown(async () => {
    await client.deleteCollection(PODS, { namespace: 'default' }).catch(() => undefined);
    client.close();
  });
  const svc = await client.create<Service>('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'pong', namespace: 'default' },
    spec: { selector: { app: 'pong' }, ports: [{ port: 80, targetPort: 'tcp' }] },
  });
  const deployment = await client.create(DEPLOYMENTS, pongDeployment('pong', 2));
  const readyPods = (what: string) =>
    waitFor(what, async () => {
      const pods = (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=pong' })).items;
      return pods.length === 2 && pods.every(podReady) ? pods : undefined;
    }, 60_000);
  const before = await readyPods('2 pods Ready');
  const replicaSets = await client.list(REPLICA_SETS, { namespace: 'default' });
  t.is(replicaSets.items.length, 1);
  await waitFor('the pods answering on the ClusterIP', async () => (await ask(svc.spec.clusterIP!, 80)) !== undefined, 30_000);
  // The pods' servers, seen from the host: each one's hostname (its pod's name) is in its command line.
  const pids = await waitFor('the pods\' processes', async () => {
    const found = (await Promise.all(before.map((p) => processesWith(`echo pong-${p.metadata.name}$`)))).flat();
    return found.length === 2 ? found : undefined;
  });
  t.is(await ups[0]!.stop(), 0, ups[0]!.output());
  t.regex(ups[0]!.output(), /Stopping, pods too\./);
  ups.shift();
  for (const pid of pids) t.throws(() => process.kill(pid, 0), undefined, `pod process ${pid} stopped`);
  for (const pod of before) {
    const { stdout } = await sh(`ip netns list | grep -c corral-${pod.metadata.uid} || true`);
    t.is(stdout.trim(), '0', `the network namespace of ${pod.metadata.name} is gone`);
  }

  ups.push(await corralUp(args));
  const sameDeployment = await client.get(DEPLOYMENTS, 'pong', { namespace: 'default' });
  t.is(sameDeployment.metadata.uid, deployment.metadata.uid);
  t.is((await client.get<Service>('services', 'pong', { namespace: 'default' })).spec.clusterIP, svc.spec.clusterIP);
  t.deepEqual(
    (await client.list(REPLICA_SETS, { namespace: 'default' })).items.map((rs) => rs.metadata.uid),
    replicaSets.items.map((rs) => rs.metadata.uid),
  );
  const after = await readyPods('2 pods Ready again');
  t.is(after.length, 2);
  const answer = await waitFor('the Service answering again', () => ask(svc.spec.clusterIP!, 80), 30_000);
  t.regex(answer, /^pong-pong-/);
  t.is(await ups[0]!.stop(), 0, ups[0]!.output());
  ups.shift();
});
