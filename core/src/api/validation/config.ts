// Rules of the small kinds: ConfigMap and Secret data, Namespace finalizers, Node taints and
// addresses, Event references.
import { isIP } from 'node:net';
import { configMapKeyProblems, labelValueProblems, qualifiedNameProblems } from '../names.js';
import { isRecord, nonEmptyString, recordItems, stringEntries } from '../objects.js';
import type { StatusCause } from '../types.js';
import { duplicateValue, FieldPath, invalidValue, requiredValue, tooLongValue } from './field.js';

type Rec = Record<string, unknown>;

/** ConfigMaps and Secrets are stored in one store value each; Kubernetes caps them at 1 MiB. */
export const CONFIG_DATA_MAX_BYTES = 1024 * 1024;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function keyCauses(map: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!isRecord(map)) return causes;
  for (const key of Object.keys(map)) {
    for (const p of configMapKeyProblems(key)) causes.push(invalidValue(path.key(key), key, p));
  }
  return causes;
}

function base64Causes(map: unknown, path: FieldPath): StatusCause[] {
  return stringEntries(map)
    .filter(([, value]) => !BASE64.test(value))
    .map(([key]) => invalidValue(path.key(key), '<value>', 'must be base64-encoded'));
}

function dataSize(...maps: unknown[]): number {
  let size = 0;
  for (const map of maps) for (const [k, v] of stringEntries(map)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  return size;
}

export function validateConfigMap(cm: Rec): StatusCause[] {
  const data = FieldPath.of('data');
  const binary = FieldPath.of('binaryData');
  const causes = [...keyCauses(cm.data, data), ...keyCauses(cm.binaryData, binary), ...base64Causes(cm.binaryData, binary)];
  if (isRecord(cm.data) && isRecord(cm.binaryData)) {
    for (const key of Object.keys(cm.binaryData)) {
      if (key in cm.data) causes.push(duplicateValue(binary.key(key), key));
    }
  }
  if (dataSize(cm.data, cm.binaryData) > CONFIG_DATA_MAX_BYTES) causes.push(tooLongValue(data, CONFIG_DATA_MAX_BYTES, 'bytes in total'));
  return causes;
}

/** Keys each well-known Secret type must carry in `data`. */
const SECRET_TYPE_KEYS: Readonly<Record<string, readonly string[]>> = {
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

export function validateSecret(secret: Rec): StatusCause[] {
  const data = FieldPath.of('data');
  const causes = [
    ...keyCauses(secret.data, data),
    ...keyCauses(secret.stringData, FieldPath.of('stringData')),
    ...base64Causes(secret.data, data),
  ];
  const type = secret.type;
  const present = isRecord(secret.data) ? secret.data : {};
  if (typeof type === 'string') {
    for (const key of SECRET_TYPE_KEYS[type] ?? []) {
      if (!(key in present)) causes.push(requiredValue(data.key(key), `a Secret of type ${type} needs it`));
    }
    if (type === 'kubernetes.io/basic-auth' && !('username' in present) && !('password' in present)) {
      causes.push(requiredValue(data, 'a basic-auth Secret needs `username` or `password`'));
    }
    if (type === 'kubernetes.io/service-account-token') {
      const meta = isRecord(secret.metadata) ? secret.metadata : {};
      const annotations = isRecord(meta.annotations) ? meta.annotations : {};
      if (!nonEmptyString(annotations['kubernetes.io/service-account.name'])) {
        causes.push(requiredValue(FieldPath.of('metadata', 'annotations').key('kubernetes.io/service-account.name')));
      }
    }
  }
  if (dataSize(secret.data, secret.stringData) > CONFIG_DATA_MAX_BYTES) {
    causes.push(tooLongValue(data, CONFIG_DATA_MAX_BYTES, 'bytes in total'));
  }
  return causes;
}

export function validateNamespace(ns: Rec): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = ns.spec;
  if (!isRecord(spec) || !Array.isArray(spec.finalizers)) return causes;
  spec.finalizers.forEach((f, i) => {
    if (typeof f !== 'string') return;
    for (const p of qualifiedNameProblems(f)) causes.push(invalidValue(FieldPath.of('spec', 'finalizers').index(i), f, p));
  });
  return causes;
}

function cidrProblem(cidr: string): string | undefined {
  const [ip, bits, extra] = cidr.split('/');
  const family = isIP(ip ?? '');
  const max = family === 4 ? 32 : 128;
  if (extra !== undefined || family === 0 || !bits || !/^\d+$/.test(bits) || Number(bits) > max) {
    return "must be a CIDR such as '10.244.1.0/24'";
  }
  return undefined;
}

export function validateNode(node: Rec): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = isRecord(node.spec) ? node.spec : {};
  const specPath = FieldPath.of('spec');
  if (nonEmptyString(spec.podCIDR)) {
    const problem = cidrProblem(spec.podCIDR);
    if (problem) causes.push(invalidValue(specPath.child('podCIDR'), spec.podCIDR, problem));
  }
  if (Array.isArray(spec.podCIDRs)) {
    spec.podCIDRs.forEach((cidr, i) => {
      const problem = typeof cidr === 'string' ? cidrProblem(cidr) : undefined;
      if (problem) causes.push(invalidValue(specPath.child('podCIDRs').index(i), cidr, problem));
    });
  }
  const taints = new Set<string>();
  for (const [i, taint] of recordItems(spec.taints)) {
    const at = specPath.child('taints').index(i);
    if (nonEmptyString(taint.key)) {
      for (const p of qualifiedNameProblems(taint.key)) causes.push(invalidValue(at.child('key'), taint.key, p));
    }
    if (typeof taint.value === 'string') {
      for (const p of labelValueProblems(taint.value)) causes.push(invalidValue(at.child('value'), taint.value, p));
    }
    const id = `${String(taint.key)}:${String(taint.effect)}`;
    if (taints.has(id)) causes.push(duplicateValue(at, { key: taint.key, effect: taint.effect }));
    taints.add(id);
  }
  const status = isRecord(node.status) ? node.status : {};
  for (const [i, address] of recordItems(status.addresses)) {
    if (address.type === 'Hostname' || !nonEmptyString(address.address)) continue;
    if (isIP(address.address) === 0) {
      const at = FieldPath.of('status', 'addresses').index(i).child('address');
      causes.push(invalidValue(at, address.address, 'must be a valid IP address'));
    }
  }
  return causes;
}

export function validateEvent(event: Rec): StatusCause[] {
  const meta = isRecord(event.metadata) ? event.metadata : {};
  const involved = isRecord(event.involvedObject) ? event.involvedObject : {};
  if (nonEmptyString(involved.namespace) && nonEmptyString(meta.namespace) && involved.namespace !== meta.namespace) {
    const at = FieldPath.of('involvedObject', 'namespace');
    return [invalidValue(at, involved.namespace, "does not match the Event's metadata.namespace")];
  }
  return [];
}
