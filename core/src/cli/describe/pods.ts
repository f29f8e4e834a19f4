// `describe pod`: what kubectl shows for a Pod.
import type { ContainerState, ContainerStatus, Pod } from '../../api/types.js';
import { describeConditions, describeContainers, describeLabels, formatMap } from './common.js';
import { DescribeWriter, describeTime, NONE } from './writer.js';

export function describePod(w: DescribeWriter, pod: Pod): void {
  const spec = pod.spec;
  const status = pod.status ?? {};
  // kubectl's order: scheduling facts come before the labels for a pod.
  w.item(0, 'Name', pod.metadata.name);
  w.item(0, 'Namespace', pod.metadata.namespace);
  if (spec.priority !== undefined) w.item(0, 'Priority', spec.priority);
  if (spec.priorityClassName) w.item(0, 'Priority Class Name', spec.priorityClassName);
  if (spec.serviceAccountName) w.item(0, 'Service Account', spec.serviceAccountName);
  w.item(0, 'Node', spec.nodeName ? `${spec.nodeName}${status.hostIP ? `/${status.hostIP}` : ''}` : NONE);
  if (status.startTime) w.item(0, 'Start Time', describeTime(status.startTime));
  describeLabels(w, pod);
  if (pod.metadata.deletionTimestamp) w.item(0, 'Status', `Terminating (lasts ${pod.metadata.deletionGracePeriodSeconds ?? 0}s)`);
  else w.item(0, 'Status', status.phase ?? 'Pending');
  if (status.reason) w.item(0, 'Reason', status.reason);
  if (status.message) w.item(0, 'Message', status.message);
  w.item(0, 'IP', status.podIP ?? '');
  if (status.podIPs?.length) {
    w.line(0, 'IPs:');
    for (const ip of status.podIPs) w.item(1, 'IP', ip.ip);
  } else {
    w.item(0, 'IPs', NONE);
  }
  const controller = pod.metadata.ownerReferences?.find((o) => o.controller);
  if (controller) w.item(0, 'Controlled By', `${controller.kind}/${controller.name}`);
  describeContainers(w, 0, 'Init Containers', spec.initContainers);
  describeContainers(w, 0, 'Containers', spec.containers);
  describeStatuses(w, [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]);
  describeConditions(w, status.conditions, false);
  const volumes = spec.volumes ?? [];
  if (volumes.length === 0) w.item(0, 'Volumes', NONE);
  else {
    w.line(0, 'Volumes:');
    for (const v of volumes) {
      w.line(1, `${v.name}:`);
      const [type, detail] = v.emptyDir
        ? ['EmptyDir (a temporary directory that shares a pod\'s lifetime)', `Medium: ${v.emptyDir.medium ?? ''}\nSizeLimit: ${v.emptyDir.sizeLimit ?? '<unset>'}`]
        : v.hostPath
          ? ['HostPath (bare host directory volume)', `Path: ${v.hostPath.path}`]
          : v.configMap
            ? ['ConfigMap (a volume populated by a ConfigMap)', `Name: ${v.configMap.name}`]
            : v.secret
              ? ['Secret (a volume populated by a Secret)', `SecretName: ${v.secret.secretName}`]
              : ['<unknown>', ''];
      w.item(2, 'Type', type);
      for (const line of detail ? detail.split('\n') : []) w.line(2, line.replace(': ', ':\t'));
    }
  }
  w.item(0, 'QoS Class', status.qosClass ?? NONE);
  w.item(0, 'Node-Selectors', formatMap(spec.nodeSelector));
  const tolerations = (spec.tolerations ?? []).map((t) => `${t.key ?? ''}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect ?? ''}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ''}`);
  w.item(0, 'Tolerations', tolerations.length ? tolerations.join('\n\t') : NONE);
}

/** The live state of each container, below the spec, as `Container Statuses:`. */
function describeStatuses(w: DescribeWriter, statuses: readonly ContainerStatus[]): void {
  if (statuses.length === 0) return;
  w.line(0, 'Container Statuses:');
  for (const s of statuses) {
    w.line(1, `${s.name}:`);
    if (s.containerID) w.item(2, 'Container ID', s.containerID);
    w.item(2, 'Image ID', s.imageID ?? '');
    describeState(w, 'State', s.state);
    if (s.lastState && Object.keys(s.lastState).length) describeState(w, 'Last State', s.lastState);
    w.item(2, 'Ready', s.ready ? 'True' : 'False');
    w.item(2, 'Restart Count', s.restartCount ?? 0);
  }
}

function describeState(w: DescribeWriter, key: string, state: ContainerState | undefined): void {
  if (state?.running) {
    w.item(2, key, 'Running');
    w.item(3, 'Started', describeTime(state.running.startedAt));
  } else if (state?.waiting) {
    w.item(2, key, 'Waiting');
    if (state.waiting.reason) w.item(3, 'Reason', state.waiting.reason);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.item(2, key, 'Terminated');
    if (t.reason) w.item(3, 'Reason', t.reason);
    if (t.message) w.item(3, 'Message', t.message);
    w.item(3, 'Exit Code', t.exitCode);
    if (t.startedAt) w.item(3, 'Started', describeTime(t.startedAt));
    if (t.finishedAt) w.item(3, 'Finished', describeTime(t.finishedAt));
  } else {
    w.item(2, key, 'Waiting');
  }
}
