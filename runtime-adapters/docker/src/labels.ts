// Everything the adapter needs to find and describe its containers lives in Docker labels, so
// that a new adapter (after an agent restart) rebuilds its picture from Docker alone.

const PREFIX = 'runtime.corral.dev/';

export const LABEL = {
  managed: `${PREFIX}managed`,
  kind: `${PREFIX}kind`,
  podUid: `${PREFIX}pod-uid`,
  podNamespace: `${PREFIX}pod-namespace`,
  podName: `${PREFIX}pod-name`,
  containerName: `${PREFIX}container-name`,
  sandboxId: `${PREFIX}sandbox-id`,
  /** The pod IP the network adapter gave (PodSandboxConfig.ip). */
  podIp: `${PREFIX}pod-ip`,
  hostNetwork: `${PREFIX}host-network`,
  /** The namespace handed in by the network adapter, when the pause container joined one. */
  netnsPath: `${PREFIX}netns-path`,
  /** Where the agent expects the container's log (a symlink to Docker's json-file log). */
  logLink: `${PREFIX}log-link`,
} as const;

export const ANNOTATION_PREFIX = `${PREFIX}annotation.`;

export type OwnedKind = 'sandbox' | 'container';

/** The Docker labels for an object Corral owns: its own labels, annotations and Corral's keys. */
export function dockerLabels(
  own: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>>,
  corral: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = { ...own };
  for (const [key, value] of Object.entries(annotations)) out[ANNOTATION_PREFIX + key] = value;
  for (const [key, value] of Object.entries(corral)) if (value !== undefined) out[key] = value;
  return out;
}

/** The labels the caller gave, without Corral's bookkeeping. */
export function userLabels(labels: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) if (!key.startsWith(PREFIX)) out[key] = value;
  return out;
}

/** Docker `label` filters: Corral-owned objects (of `kind`, or of both), plus the caller's label selector. */
export function labelFilters(kind: OwnedKind | undefined, extra: Readonly<Record<string, string>> = {}): string[] {
  const filters = [`${LABEL.managed}=true`, ...(kind ? [`${LABEL.kind}=${kind}`] : [])];
  for (const [key, value] of Object.entries(extra)) filters.push(`${key}=${value}`);
  return filters;
}
