// How each kind's fields take part in a strategic merge patch: Kubernetes' `patchStrategy` and
// `patchMergeKey` struct tags (k8s.io/api), written out per kind and nested along the object's
// own paths, so `containers` merges by name under a Pod's `spec` and under a Deployment's
// `spec.template.spec` alike, but a field of the same name elsewhere is just a list.
// Lists not listed here (tolerations, taints, Endpoints subsets, ...) are atomic in Kubernetes
// too: a patch replaces them whole.

export interface FieldPatchMeta {
  /**
   * 'merge': a list merges with the patch's list, by `mergeKey` for lists of objects and as a set
   * for lists of primitives. 'replace': an object is replaced whole. Absent: lists are replaced,
   * objects merge field by field.
   */
  readonly strategy?: 'merge' | 'replace';
  readonly mergeKey?: string;
  /** The object (or each object in the list) takes a `$retainKeys` directive. */
  readonly retainKeys?: boolean;
  /** The fields of the object, or of each element of the list. */
  readonly fields?: PatchSchema;
}

export type PatchSchema = { readonly [field: string]: FieldPatchMeta };

const NONE: FieldPatchMeta = Object.freeze({});

/** The patch metadata of `field` in `schema`; fields it does not name have none. */
export function fieldMeta(schema: PatchSchema, field: string): FieldPatchMeta {
  return Object.hasOwn(schema, field) ? schema[field]! : NONE;
}

const byKey = (mergeKey: string, fields?: PatchSchema, retainKeys?: boolean): FieldPatchMeta => ({
  strategy: 'merge',
  mergeKey,
  ...(fields ? { fields } : {}),
  ...(retainKeys ? { retainKeys } : {}),
});
const asSet: FieldPatchMeta = { strategy: 'merge' };
const struct = (fields: PatchSchema): FieldPatchMeta => ({ fields });

const objectMeta: PatchSchema = {
  ownerReferences: byKey('uid'),
  finalizers: asSet,
};

const container: PatchSchema = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

const podSpec: PatchSchema = {
  volumes: byKey('name', undefined, true),
  initContainers: byKey('name', container),
  containers: byKey('name', container),
  ephemeralContainers: byKey('name', container),
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  schedulingGates: byKey('name'),
  resourceClaims: byKey('name', undefined, true),
};

const podStatus: PatchSchema = {
  conditions: byKey('type'),
  podIPs: byKey('ip'),
  hostIPs: byKey('ip'),
  resourceClaimStatuses: byKey('name', undefined, true),
};

const podTemplate: PatchSchema = { metadata: struct(objectMeta), spec: struct(podSpec) };
const conditionsByType = struct({ conditions: byKey('type') });
const jobSpec: PatchSchema = { template: struct(podTemplate) };

/** Every kind's top-level schema; `metadata` is added to each below. */
const KINDS: Readonly<Record<string, PatchSchema>> = {
  Pod: { spec: struct(podSpec), status: struct(podStatus) },
  PodTemplate: { template: struct(podTemplate) },
  ReplicationController: { spec: struct({ template: struct(podTemplate) }), status: conditionsByType },
  ReplicaSet: { spec: struct({ template: struct(podTemplate) }), status: conditionsByType },
  Deployment: {
    spec: struct({ template: struct(podTemplate), strategy: { retainKeys: true } }),
    status: conditionsByType,
  },
  DaemonSet: { spec: struct({ template: struct(podTemplate) }), status: conditionsByType },
  StatefulSet: { spec: struct({ template: struct(podTemplate) }), status: conditionsByType },
  Job: { spec: struct(jobSpec), status: conditionsByType },
  CronJob: {
    spec: struct({ jobTemplate: struct({ metadata: struct(objectMeta), spec: struct(jobSpec) }) }),
  },
  Service: { spec: struct({ ports: byKey('port') }), status: conditionsByType },
  Endpoints: {},
  Node: {
    spec: struct({ podCIDRs: asSet }),
    status: struct({ conditions: byKey('type'), addresses: byKey('type') }),
  },
  Namespace: { status: conditionsByType },
  ConfigMap: {},
  Secret: {},
  ServiceAccount: { secrets: byKey('name') },
  Event: {},
  Lease: {},
};

const SCHEMAS: ReadonlyMap<string, PatchSchema> = new Map(
  Object.entries(KINDS).map(([kind, schema]) => [kind, { metadata: struct(objectMeta), ...schema }]),
);

/**
 * The strategic merge schema of a built-in kind, or undefined for a kind without one (as
 * Kubernetes has none for custom resources: such kinds take JSON and merge patches only).
 */
export function patchSchemaFor(kind: string): PatchSchema | undefined {
  return SCHEMAS.get(kind);
}

export function supportsStrategicMerge(kind: string): boolean {
  return SCHEMAS.has(kind);
}

/**
 * The lists of `kind` that merge by key, as dotted path -> merge key, e.g.
 * `spec.template.spec.containers` -> `name`. Empty for a kind without a schema.
 */
export function mergeKeysFor(kind: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (schema: PatchSchema, prefix: string): void => {
    for (const [field, meta] of Object.entries(schema)) {
      const path = prefix ? `${prefix}.${field}` : field;
      if (meta.mergeKey) out[path] = meta.mergeKey;
      if (meta.fields) walk(meta.fields, path);
    }
  };
  walk(patchSchemaFor(kind) ?? {}, '');
  return out;
}
