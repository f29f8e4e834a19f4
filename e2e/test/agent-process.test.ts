// `corral up` with the node agent on the process runtime: a pod runs as real processes, its
// log and exec go through the API to the agent, a failing one ends Failed, deletion stops it;
// with --keep-pods a second `corral up` adopts the running pod without restarting it.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { PODS, type Node, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startClusterUp } from './support/cluster-up.js';
import { isAlive } from './support/processes.js';

test('corral up runs pods as processes through the agent; --keep-pods lets the next one adopt them', async (t) => {
  // The default network (a bridge, an IP per pod from node IPAM, the userspace proxy), on names
  // and a subnet of this test's own; the cluster DNS on loopback.
  const cluster = await startClusterUp({ name: 'agent', nodeName: 'e2e-node', upFlags: ['--keep-pods'] });
  t.teardown(() => cluster.stop());
  const { client, children } = cluster;
  const nodes = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' };
  const node = await client.get<Node>(nodes, 'e2e-node');
  t.regex(node.status?.nodeInfo?.containerRuntimeVersion ?? '', /^process:\/\//);

  const podOf = (name: string, command: string, restartPolicy: Pod['spec']['restartPolicy']): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'e2e-node', restartPolicy, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', command], env: [{ name: 'WHO', value: 'corral' }] }] },
  });
  await client.create(PODS, podOf('hello', 'echo hello $WHO; exec sleep 3607', 'Always'));
  await client.create(PODS, podOf('broken', 'echo failing >&2; exit 3', 'Never'));
  const running = await waitFor('hello Running', async () => {
    const p = await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
  t.regex(running.status!.containerStatuses![0]!.containerID ?? '', /^process:\/\//);
  t.regex(running.status!.podIP ?? '', new RegExp(`^10\\.221\\.${cluster.subnet}\\.`), 'an address from the node subnet, on the bridge');
  t.is(await waitFor('the log line', async () => ((await client.logs('hello', { namespace: 'default' })) === 'hello corral\n' ? 'hello corral\n' : undefined)), 'hello corral\n');
  const out: Buffer[] = [];
  const exec = await client.exec('hello', { namespace: 'default', command: ['sh', '-c', 'echo in the pod; exit 4'], stdout: { write: (b: Buffer) => out.push(b) } });
  t.is(exec.exitCode, 4);
  t.is(Buffer.concat(out).toString(), 'in the pod\n');
  // The pod's process, seen from the host (its command line is unique to this test).
  const sleeper = Number(execFileSync('pgrep', ['-f', 'sleep 3607']).toString().trim().split('\n')[0]);
  t.true(sleeper > 0);
  t.teardown(() => {
    if (isAlive(sleeper)) process.kill(sleeper, 'SIGKILL');
  });

  const broken = await waitFor('broken Failed', async () => {
    const p = await client.get<Pod>(PODS, 'broken', { namespace: 'default' });
    return p.status?.phase === 'Failed' ? p : undefined;
  });
  t.is(broken.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 3);

  // Ctrl-C with --keep-pods: the pod's process lives on, and the next `corral up` adopts it.
  t.is(await children.up!.stop('SIGINT'), 0, cluster.output());
  t.true(isAlive(sleeper), 'the pod survived the stop');
  await cluster.restartUp();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const adopted = await waitFor('hello still Running', async () => {
    const p = await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
  t.is(adopted.status!.containerStatuses![0]!.containerID, running.status!.containerStatuses![0]!.containerID, 'the same container, not a new one');
  t.is(adopted.status!.containerStatuses![0]!.restartCount, 0);

  // Deleting the pod stops its process and the agent confirms the deletion.
  await client.delete(PODS, 'hello', { namespace: 'default', gracePeriodSeconds: 2 });
  await waitFor('hello gone', async () => {
    try {
      await client.get<Pod>(PODS, 'hello', { namespace: 'default' });
      return false;
    } catch (err) {
      return (err as { code?: number }).code === 404;
    }
  });
  await waitFor('the process gone', () => !isAlive(sleeper));
  t.is(await cluster.stop(), 0, cluster.output());
});
