// Where a pod's control-plane CPU goes through the API, one kind of request at a time, in
// interleaved rounds: the
// same test API server (embedded store) and an in-process client, so client and server share
// a thread as the scheduler and the server do in `corral server`. Each step runs its operations
// with 64 in flight and reports this process's CPU ms per operation:
// - create: POST a pod (no watchers);
// - watch + informer: the extra CPU of the same creates with a pod informer open (the server
//   encodes and writes each event, the informer decodes it and fills its cache);
// - binding: POST pods/{name}/binding through ApiBinder (the scheduler's binder);
// - event: POST a Scheduled Event (what the recorder's sink writes, unpaced).
import type { ApiObject, Pod } from '@corral/core';
import { ApiBinder, ApiClient, informerFor } from '@corral/core';
import { makePods, startTestApiServer } from '@corral/core/testing';
import { drive, round } from '../stats.js';

const PODS_REF = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' } as const;

function newPods(count: number, namespace: string, prefix: string): ApiObject[] {
  return makePods(count, { namespace, prefix, cpu: '100m', memory: '500Mi', replicasPerController: 100 }).map((pod) => {
    const { uid: _uid, creationTimestamp: _ts, ...metadata } = pod.metadata;
    return { ...pod, metadata, status: {} } as ApiObject;
  });
}

async function cpuPerOp(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const cpu0 = process.cpuUsage();
  await drive(count, 64, op);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / count;
}

function scheduledEvent(pod: string): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod}.split`, namespace: 'split-a' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'split-a', name: pod },
    reason: 'Scheduled',
    message: `Successfully assigned split-a/${pod} to a node`,
    type: 'Normal',
    source: { component: 'default-scheduler' },
    count: 1,
  } as ApiObject;
}

export async function measureSplit(pods: number) {
  const api = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  try {
    for (const name of ['split-a', 'split-b']) await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const informer = informerFor<Pod>(client, PODS_REF, { namespace: 'split-b' });
    informer.start();
    await informer.waitForSync();
    const binder = new ApiBinder(client);
    // Rounds interleave the steps, so a change in the machine's load touches each alike; the
    // first round warms the JIT and the connections and is not counted.
    const rounds = 4;
    const per = Math.max(1, Math.floor(pods / (rounds - 1)));
    const sum = { create: 0, createWatched: 0, binding: 0, event: 0 };
    for (let round = 0; round < rounds; round++) {
      const plain = newPods(per, 'split-a', `p${round}-`);
      const watched = newPods(per, 'split-b', `w${round}-`);
      const create = await cpuPerOp(per, (i) => client.create('pods', plain[i]!, { namespace: 'split-a' }));
      const createWatched = await cpuPerOp(per, (i) => client.create('pods', watched[i]!, { namespace: 'split-b' }));
      while (informer.cache.size < (round + 1) * per) await new Promise((r) => setTimeout(r, 10));
      const binding = await cpuPerOp(per, (i) => binder.bind(plain[i] as Pod, `node-${i % 100}`));
      const event = await cpuPerOp(per, (i) => client.create('events', scheduledEvent(`p${round}-${i}`), { namespace: 'split-a' }));
      if (round === 0) continue;
      sum.create += create;
      sum.createWatched += createWatched;
      sum.binding += binding;
      sum.event += event;
    }
    const n = rounds - 1;
    await informer.stop();
    return {
      what: 'this process\'s CPU ms per operation, client and server in one thread, 64 in flight',
      operationsPerStep: per * n,
      createMs: round(sum.create / n, 3),
      watchAndInformerPerEventMs: round((sum.createWatched - sum.create) / n, 3),
      bindingMs: round(sum.binding / n, 3),
      eventMs: round(sum.event / n, 3),
    };
  } finally {
    client.close();
    await api.close();
  }
}
