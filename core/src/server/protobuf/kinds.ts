// The top-level messages a protobuf body may hold, by apiVersion and kind.
import { Binding, ConfigMap, Endpoints, Event, Namespace, Node, ReplicationController, Secret, Service, ServiceAccount } from './core.js';
import { DeleteOptions, ListMeta, PartialObjectMetadata, Status } from './meta.js';
import { Pod } from './pod.js';
import { LIST, message, type MessageType } from './schema.js';
import { CronJob, Deployment, Eviction, Job, Lease, ReplicaSet, Scale } from './workloads.js';

const KINDS: ReadonlyMap<string, MessageType> = new Map([
  ['v1/Namespace', Namespace],
  ['v1/Node', Node],
  ['v1/Pod', Pod],
  ['v1/Service', Service],
  ['v1/Endpoints', Endpoints],
  ['v1/ReplicationController', ReplicationController],
  ['v1/ConfigMap', ConfigMap],
  ['v1/Secret', Secret],
  ['v1/ServiceAccount', ServiceAccount],
  ['v1/Event', Event],
  ['v1/Binding', Binding],
  ['apps/v1/Deployment', Deployment],
  ['apps/v1/ReplicaSet', ReplicaSet],
  ['batch/v1/Job', Job],
  ['batch/v1/CronJob', CronJob],
  ['coordination.k8s.io/v1/Lease', Lease],
  ['autoscaling/v1/Scale', Scale],
  ['policy/v1/Eviction', Eviction],
  ['meta.k8s.io/v1/DeleteOptions', DeleteOptions],
  ['v1/DeleteOptions', DeleteOptions],
  ['meta.k8s.io/v1/Status', Status],
  ['v1/Status', Status],
  ['meta.k8s.io/v1/PartialObjectMetadata', PartialObjectMetadata],
  ['meta.k8s.io/v1beta1/PartialObjectMetadata', PartialObjectMetadata],
]);

/** The message for an apiVersion and kind, if Corral reads that kind from protobuf. */
export function messageForKind(apiVersion: string, kind: string): MessageType | undefined {
  return KINDS.get(`${apiVersion}/${kind}`);
}

/** The kinds Corral reads from protobuf, for error messages. */
export function protobufKinds(): string[] {
  return [...new Set([...KINDS.keys()].map((key) => key.slice(key.lastIndexOf('/') + 1)))];
}

const KIND_MESSAGES: ReadonlySet<MessageType> = new Set(KINDS.values());
/** Item message -> its XList message, made on first use. */
const lists = new Map<MessageType, MessageType>();
const LIST_MESSAGES = new Set<MessageType>();

/** Whether `type` is a kind's own message or a list's (their apiVersion and kind travel in the envelope). */
export function isKindMessage(type: MessageType): boolean {
  return KIND_MESSAGES.has(type) || LIST_MESSAGES.has(type);
}

/** The XList message for an item kind: every Kubernetes list is {1: ListMeta, 2: repeated items}. */
export function listMessageFor(apiVersion: string, itemKind: string): MessageType | undefined {
  const item = KINDS.get(`${apiVersion}/${itemKind}`);
  if (!item) return undefined;
  let list = lists.get(item);
  if (!list) {
    list = message(`${item.name}List`, { 1: ['metadata', ListMeta], 2: ['items', item, LIST] });
    lists.set(item, list);
    LIST_MESSAGES.add(list);
  }
  return list;
}
