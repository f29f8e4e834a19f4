// `describe`: a human summary of one object, chosen by its kind, plus the Events about it.
import { ApiError } from '../../api/errors.js';
import type { ApiObject, ConfigMap, Deployment, Endpoints, Event, Namespace, Node, Pod, ReplicaSet, Secret, Service } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ApiResource } from '../../client/discovery.js';
import { ownedReplicaSets, sameTemplate } from '../kube/rollout.js';
import { describeEvents } from './common.js';
import { describeConfigMap, describeGeneric, describeNamespace, describeNode, describeSecret, describeService } from './others.js';
import { describePod } from './pods.js';
import { describeDeployment, describeReplicaSet } from './workloads.js';
import { DescribeWriter } from './writer.js';

export async function describeObject(client: ApiClient, resource: ApiResource, obj: ApiObject, options: { events?: boolean } = {}): Promise<string> {
  const w = new DescribeWriter();
  const namespace = obj.metadata.namespace;
  switch (resource.group === '' || resource.group === 'apps' ? resource.kind : '') {
    case 'Pod':
      describePod(w, obj as Pod);
      break;
    case 'Deployment': {
      const d = obj as Deployment;
      const sets = await ownedReplicaSets(client, d).catch(() => [] as ReplicaSet[]);
      const current = sets.find((rs) => sameTemplate(rs.spec.template, d.spec.template));
      describeDeployment(w, d, current, sets.filter((rs) => rs !== current));
      break;
    }
    case 'ReplicaSet':
    case 'ReplicationController':
      describeReplicaSet(w, obj as ReplicaSet, await podCounts(client, obj as ReplicaSet));
      break;
    case 'Service':
      describeService(w, obj as Service, await optional(client.get<Endpoints>('endpoints', obj.metadata.name!, { namespace })));
      break;
    case 'Node':
      describeNode(w, obj as Node);
      break;
    case 'Namespace':
      describeNamespace(w, obj as Namespace);
      break;
    case 'ConfigMap':
      describeConfigMap(w, obj as ConfigMap);
      break;
    case 'Secret':
      describeSecret(w, obj as Secret);
      break;
    default:
      describeGeneric(w, { apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, kind: resource.kind, ...obj });
  }
  if (options.events !== false && resource.kind !== 'Event') describeEvents(w, await eventsFor(client, resource, obj));
  return w.toString();
}

/** The Events naming the object (kubectl's field selector on involvedObject). */
async function eventsFor(client: ApiClient, resource: ApiResource, obj: ApiObject): Promise<Event[] | undefined> {
  const fields = [
    `involvedObject.name=${obj.metadata.name}`,
    obj.metadata.namespace ? `involvedObject.namespace=${obj.metadata.namespace}` : '',
    `involvedObject.kind=${resource.kind}`,
    obj.metadata.uid ? `involvedObject.uid=${obj.metadata.uid}` : '',
  ].filter(Boolean);
  try {
    const list = await client.listAll<Event>('events', {
      namespace: obj.metadata.namespace,
      allNamespaces: !obj.metadata.namespace,
      fieldSelector: fields.join(','),
    });
    return list.items;
  } catch (err) {
    // A server without events, or one refusing the selector, still gets its describe.
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}

async function podCounts(client: ApiClient, rs: ReplicaSet): Promise<{ running: number; waiting: number; succeeded: number; failed: number } | undefined> {
  const pods = await optional(client.list<Pod>('pods', { namespace: rs.metadata.namespace }));
  if (!pods) return undefined;
  const owned = pods.items.filter((p) => p.metadata.ownerReferences?.some((o) => o.controller && o.uid === rs.metadata.uid));
  const count = (phase: string): number => owned.filter((p) => (p.status?.phase ?? 'Pending') === phase).length;
  return { running: count('Running'), waiting: count('Pending'), succeeded: count('Succeeded'), failed: count('Failed') };
}

async function optional<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError) return undefined;
    throw err;
  }
}
