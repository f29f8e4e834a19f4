// A pod made from a controller's template, owned by it.
import { newControllerRef } from '@corral/core/client';
import type { ApiObject, Pod, PodTemplateSpec } from '@corral/core/api';
import type { KindRef } from '@corral/core/kernel';

// Room for the 5 random characters generateName adds, within a 63-character name.
const MAX_PREFIX = 58;

export function podFromTemplate(owner: ApiObject, ownerKind: KindRef, template: PodTemplateSpec): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`.slice(0, MAX_PREFIX),
      namespace: owner.metadata.namespace,
      labels: { ...meta.labels },
      ownerReferences: [newControllerRef(owner, ownerKind)],
    },
    spec: structuredClone(template.spec),
  };
  if (meta.annotations && Object.keys(meta.annotations).length > 0) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
