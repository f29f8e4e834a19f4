import type { ApiClient, ApiObject, Event, Pod } from '../../src/index.js';
import { makePods, type HollowPodOptions } from '../../src/testing/index.js';
export { waitFor as until } from '../../src/testing/index.js';

/** makePods' pods, ready to POST (no uid, no creationTimestamp). */
export function newPods(count: number, options: HollowPodOptions = {}): Pod[] {
  return makePods(count, options).map((pod) => {
    const { uid: _uid, creationTimestamp: _ts, ...metadata } = pod.metadata;
    return { ...pod, metadata, status: {} } as Pod;
  });
}

export async function createAll(client: ApiClient, pods: readonly Pod[]): Promise<void> {
  await Promise.all(pods.map((pod) => client.create('pods', pod)));
}

export async function getPod(client: ApiClient, name: string, namespace = 'default'): Promise<Pod> {
  return client.get<Pod>('pods', name, { namespace });
}

export async function eventsAbout(client: ApiClient, name: string, namespace = 'default'): Promise<Event[]> {
  const list = await client.list<Event>('events', { namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

export function node(name: string, memory: string, cpu = '4'): ApiObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    spec: {},
    status: {
      capacity: { cpu, memory, pods: '110' },
      allocatable: { cpu, memory, pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  } as ApiObject;
}

/** Creates a Node with its status (the create drops status). */
export async function addNode(client: ApiClient, obj: ApiObject): Promise<void> {
  const created = await client.create('nodes', obj);
  await client.updateStatus('nodes', { ...created, status: (obj as unknown as { status: unknown }).status } as ApiObject);
}
