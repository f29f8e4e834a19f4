// Corral marks the sandboxes and containers it creates, so that a new adapter instance (an
// agent restart) finds its own pods and leaves everything else on a shared containerd alone
// (kubelet's pods, another node's agent in tests). The marks are taken off again before
// labels reach the caller, who sees exactly the labels it gave.

export const MANAGED_BY_LABEL = 'corral.dev/managed-by';
export const MANAGED_BY = 'corral';
export const NODE_LABEL = 'corral.dev/node';
/** CRI's ContainerStatus does not say which sandbox a container is in; this label does. */
export const SANDBOX_LABEL = 'corral.dev/pod-sandbox-id';
/** The image as the caller named it: the runtime reports its own normalized name. */
export const IMAGE_ANNOTATION = 'corral.dev/image';

export function ownershipLabels(nodeName: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [NODE_LABEL]: nodeName };
}

export function withOwnership(labels: Readonly<Record<string, string>>, nodeName: string): Record<string, string> {
  return { ...labels, ...ownershipLabels(nodeName) };
}

export function withoutOwnership(labels: Readonly<Record<string, string>>): Record<string, string> {
  const { [MANAGED_BY_LABEL]: _managed, [NODE_LABEL]: _node, [SANDBOX_LABEL]: _sandbox, ...rest } = labels;
  return rest;
}
