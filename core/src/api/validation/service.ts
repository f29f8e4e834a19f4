// Rules of Services and Endpoints: port uniqueness and naming, node ports in their range,
// cluster IPs that fit the service type.
import { isIP } from 'node:net';
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../names.js';
import { isRecord, nonEmptyString, recordItems } from '../objects.js';
import type { StatusCause } from '../types.js';
import { duplicateValue, FieldPath, forbiddenField, invalidValue, requiredValue } from './field.js';
import { validateLabels } from './meta.js';
import { validatePortNumOrName } from './pod.js';

export interface PortRange {
  min: number;
  max: number;
}

/** Kubernetes' default `--service-node-port-range`. */
export const DEFAULT_NODE_PORT_RANGE: Readonly<PortRange> = Object.freeze({ min: 30000, max: 32767 });

export interface ServiceRules {
  nodePortRange: PortRange;
}

function nameCauses(path: FieldPath, value: string, problems: string[]): StatusCause[] {
  return problems.map((p) => invalidValue(path, value, p));
}

/** Port names: required when there is more than one port, DNS labels, unique. */
function validatePortNames(ports: [number, Record<string, unknown>][], path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  for (const [i, port] of ports) {
    const at = path.index(i).child('name');
    if (!nonEmptyString(port.name)) {
      if (ports.length > 1 && (port.name === undefined || port.name === '')) {
        causes.push(requiredValue(at, 'each port must have a name when there is more than one'));
      }
      continue;
    }
    causes.push(...nameCauses(at, port.name, dns1123LabelProblems(port.name)));
    if (names.has(port.name)) causes.push(duplicateValue(at, port.name));
    names.add(port.name);
  }
  return causes;
}

function validateServicePorts(spec: Record<string, unknown>, path: FieldPath, rules: ServiceRules): StatusCause[] {
  const ports = recordItems(spec.ports);
  const causes = validatePortNames(ports, path);
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const { min, max } = rules.nodePortRange;
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  for (const [i, port] of ports) {
    const at = path.index(i);
    const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
    if (typeof port.port === 'number') {
      const id = `${port.port}/${protocol}`;
      if (seen.has(id)) causes.push(duplicateValue(at, { port: port.port, protocol }));
      seen.add(id);
    }
    if (port.targetPort !== undefined) causes.push(...validatePortNumOrName(port.targetPort, at.child('targetPort')));
    if (typeof port.nodePort === 'number' && port.nodePort !== 0) {
      if (type !== 'NodePort' && type !== 'LoadBalancer') {
        causes.push(forbiddenField(at.child('nodePort'), `may not be used when \`type\` is '${type}'`));
      } else if (port.nodePort < min || port.nodePort > max) {
        causes.push(invalidValue(at.child('nodePort'), port.nodePort, `must be in the node port range ${min}-${max}`));
      } else {
        const id = `${port.nodePort}/${protocol}`;
        if (nodePorts.has(id)) causes.push(duplicateValue(at.child('nodePort'), port.nodePort));
        nodePorts.add(id);
      }
    }
  }
  return causes;
}

function validateClusterIP(spec: Record<string, unknown>, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const ip = spec.clusterIP;
  if (type === 'ExternalName') {
    if (nonEmptyString(ip)) causes.push(forbiddenField(path.child('clusterIP'), 'may not be set for ExternalName services'));
    if (!nonEmptyString(spec.externalName)) causes.push(requiredValue(path.child('externalName')));
    else {
      // A fully qualified name may end in a dot.
      const name = spec.externalName.replace(/\.$/, '');
      causes.push(...nameCauses(path.child('externalName'), spec.externalName, dns1123SubdomainProblems(name)));
    }
    return causes;
  }
  if (ip === 'None') {
    if (type !== 'ClusterIP') {
      causes.push(invalidValue(path.child('clusterIP'), ip, `may be 'None' (headless) only for ClusterIP services, not ${type}`));
    }
  } else if (nonEmptyString(ip) && isIP(ip) === 0) {
    causes.push(invalidValue(path.child('clusterIP'), ip, "must be a valid IP address, 'None' or empty"));
  }
  if (Array.isArray(spec.clusterIPs) && nonEmptyString(ip) && spec.clusterIPs.length > 0 && spec.clusterIPs[0] !== ip) {
    causes.push(invalidValue(path.child('clusterIPs').index(0), spec.clusterIPs[0], 'must match `clusterIP`'));
  }
  return causes;
}

export function validateServiceSpec(spec: unknown, path: FieldPath, rules: ServiceRules): StatusCause[] {
  if (!isRecord(spec)) return [];
  const causes: StatusCause[] = [];
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const hasPorts = Array.isArray(spec.ports) && spec.ports.length > 0;
  const portsMissing = spec.ports === undefined || Array.isArray(spec.ports);
  if (!hasPorts && portsMissing && !headless && type !== 'ExternalName') causes.push(requiredValue(path.child('ports')));
  causes.push(...validateServicePorts(spec, path.child('ports'), rules));
  causes.push(...validateClusterIP(spec, path));
  causes.push(...validateLabels(spec.selector, path.child('selector')));
  if (Array.isArray(spec.externalIPs)) {
    spec.externalIPs.forEach((ip, i) => {
      if (typeof ip === 'string' && isIP(ip) === 0) {
        causes.push(invalidValue(path.child('externalIPs').index(i), ip, 'must be a valid IP address'));
      }
    });
  }
  if (spec.sessionAffinityConfig !== undefined && spec.sessionAffinity !== 'ClientIP') {
    causes.push(forbiddenField(path.child('sessionAffinityConfig'), "may be set only when `sessionAffinity` is 'ClientIP'"));
  }
  if (spec.externalTrafficPolicy !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
    const detail = "may be set only when `type` is 'NodePort' or 'LoadBalancer'";
    causes.push(invalidValue(path.child('externalTrafficPolicy'), spec.externalTrafficPolicy, detail));
  }
  return causes;
}

function validateAddress(address: Record<string, unknown>, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  if (nonEmptyString(address.ip) && isIP(address.ip) === 0) {
    causes.push(invalidValue(path.child('ip'), address.ip, 'must be a valid IP address'));
  }
  if (nonEmptyString(address.hostname)) {
    causes.push(...nameCauses(path.child('hostname'), address.hostname, dns1123LabelProblems(address.hostname)));
  }
  if (nonEmptyString(address.nodeName)) {
    causes.push(...nameCauses(path.child('nodeName'), address.nodeName, dns1123SubdomainProblems(address.nodeName)));
  }
  return causes;
}

export function validateEndpointSubsets(subsets: unknown, path: FieldPath): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [i, subset] of recordItems(subsets)) {
    const at = path.index(i);
    const ready = recordItems(subset.addresses);
    const notReady = recordItems(subset.notReadyAddresses);
    if (ready.length === 0 && notReady.length === 0) {
      causes.push(requiredValue(at, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [j, a] of ready) causes.push(...validateAddress(a, at.child('addresses').index(j)));
    for (const [j, a] of notReady) causes.push(...validateAddress(a, at.child('notReadyAddresses').index(j)));
    const ports = recordItems(subset.ports);
    if (ports.length === 0) causes.push(requiredValue(at.child('ports')));
    causes.push(...validatePortNames(ports, at.child('ports')));
  }
  return causes;
}
