// Pieces every describer prints: the metadata header, pod templates, conditions, and the
// Events that name the object.
import type { ApiObject, Condition, Container, Event, PodTemplateSpec } from '../../api/types.js';
import { humanDuration } from '../../server/table/age.js';
import { DescribeWriter, NONE } from './writer.js';

/** Name, Namespace, Labels, Annotations (kubectl leaves out the last-applied annotation). */
export function describeMeta(w: DescribeWriter, obj: ApiObject, options: { namespace?: boolean } = {}): void {
  w.item(0, 'Name', obj.metadata.name);
  if (options.namespace !== false && obj.metadata.namespace !== undefined) w.item(0, 'Namespace', obj.metadata.namespace);
  describeLabels(w, obj);
}

export function describeLabels(w: DescribeWriter, obj: ApiObject): void {
  w.map(0, 'Labels', obj.metadata.labels);
  const annotations = { ...obj.metadata.annotations };
  delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
  w.map(0, 'Annotations', annotations, ': ');
}

export function describeContainers(w: DescribeWriter, level: number, heading: string, containers: readonly Container[] | undefined): void {
  if (!containers?.length) return;
  w.line(level, `${heading}:`);
  for (const c of containers) {
    w.line(level + 1, `${c.name}:`);
    w.item(level + 2, 'Image', c.image ?? '');
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`);
    w.item(level + 2, 'Port', ports.length ? ports.join(', ') : NONE);
    w.item(level + 2, 'Host Port', (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ') || NONE);
    if (c.command?.length) describeList(w, level + 2, 'Command', c.command);
    if (c.args?.length) describeList(w, level + 2, 'Args', c.args);
    const limits = Object.entries(c.resources?.limits ?? {});
    const requests = Object.entries(c.resources?.requests ?? {});
    if (limits.length) {
      w.line(level + 2, 'Limits:');
      for (const [k, v] of limits.sort()) w.item(level + 3, k, v);
    }
    if (requests.length) {
      w.line(level + 2, 'Requests:');
      for (const [k, v] of requests.sort()) w.item(level + 3, k, v);
    }
    if (c.livenessProbe) w.item(level + 2, 'Liveness', probeText(c.livenessProbe));
    if (c.readinessProbe) w.item(level + 2, 'Readiness', probeText(c.readinessProbe));
    const env = c.env ?? [];
    if (env.length === 0) w.item(level + 2, 'Environment', NONE);
    else {
      w.line(level + 2, 'Environment:');
      for (const e of env) w.item(level + 3, e.name, e.value ?? (e.valueFrom ? describeValueFrom(e.valueFrom) : ''));
    }
    const mounts = c.volumeMounts ?? [];
    if (mounts.length === 0) w.item(level + 2, 'Mounts', NONE);
    else {
      w.line(level + 2, 'Mounts:');
      for (const m of mounts) w.line(level + 3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})`);
    }
  }
}

function describeList(w: DescribeWriter, level: number, key: string, items: string[]): void {
  w.line(level, `${key}:`);
  for (const item of items) w.line(level + 1, item);
}

function describeValueFrom(from: NonNullable<Container['env']>[number]['valueFrom']): string {
  if (from?.configMapKeyRef) return `<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>`;
  if (from?.secretKeyRef) return `<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>`;
  if (from?.fieldRef) return ` (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})`;
  return '';
}

function probeText(p: NonNullable<Container['livenessProbe']>): string {
  const how = p.httpGet
    ? `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? ''}`
    : p.tcpSocket
      ? `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port}`
      : `exec [${(p.exec?.command ?? []).join(' ')}]`;
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

export function describeTemplate(w: DescribeWriter, level: number, template: PodTemplateSpec | undefined): void {
  w.line(level, 'Pod Template:');
  w.map(level + 1, 'Labels', template?.metadata?.labels);
  if (Object.keys(template?.metadata?.annotations ?? {}).length) w.map(level + 1, 'Annotations', template?.metadata?.annotations, ': ');
  const spec = template?.spec;
  if (spec?.serviceAccountName) w.item(level + 1, 'Service Account', spec.serviceAccountName);
  describeContainers(w, level + 1, 'Init Containers', spec?.initContainers);
  describeContainers(w, level + 1, 'Containers', spec?.containers);
  const volumes = spec?.volumes ?? [];
  w.item(level + 1, 'Volumes', volumes.length ? volumes.map((v) => v.name) : NONE);
  w.item(level + 1, 'Node-Selectors', formatMap(spec?.nodeSelector));
  w.item(level + 1, 'Tolerations', (spec?.tolerations ?? []).map((t) => `${t.key ?? ''}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect ?? ''}`).join(', ') || NONE);
}

export function describeConditions(w: DescribeWriter, conditions: readonly Condition[] | undefined, withReason = true): void {
  if (!conditions?.length) return;
  w.line(0, 'Conditions:');
  w.table(1, withReason ? ['Type', 'Status', 'Reason'] : ['Type', 'Status'], conditions.map((c) => (withReason ? [c.type, c.status, c.reason ?? ''] : [c.type, c.status])));
}

export function formatMap(map: Record<string, string> | undefined): string {
  const keys = Object.keys(map ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${map![k]}`).join(',') : NONE;
}

/** `Events:` and the events about the object, oldest first, as kubectl lists them. */
export function describeEvents(w: DescribeWriter, events: readonly Event[] | undefined, now = new Date()): void {
  if (events === undefined) return;
  if (events.length === 0) {
    w.item(0, 'Events', NONE);
    return;
  }
  const when = (e: Event): string => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? '';
  const sorted = [...events].sort((a, b) => when(a).localeCompare(when(b)));
  w.line(0, 'Events:');
  w.line(1, 'Type\tReason\tAge\tFrom\tMessage');
  w.line(1, '----\t------\t----\t----\t-------');
  for (const e of sorted) w.line(1, [e.type ?? '', e.reason ?? '', eventAge(e, now), eventSource(e), (e.message ?? '').trim()].join('\t'));
}

function eventAge(e: Event, now: Date): string {
  const last = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  const first = e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
  const since = (t: string | undefined): string => (t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>');
  const count = e.series?.count ?? e.count ?? 1;
  return count > 1 ? `${since(last)} (x${count} over ${since(first)})` : since(last);
}

function eventSource(e: Event): string {
  const component = e.source?.component ?? e.reportingComponent ?? '';
  const host = e.source?.host;
  return host ? `${component}, ${host}` : component;
}
