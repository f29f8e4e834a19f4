// The types every API group shares and that no kind's joi schema spells out: list metadata,
// Status, DeleteOptions, watch events, the scale subresource, and the scalar types Kubernetes
// names (Time, Quantity, IntOrString).
import { FIELD_DESCRIPTIONS } from './descriptions.js';
import { META_PACKAGE } from './naming.js';
import { GVK_EXTENSION, ref, type GroupVersion, type JsonSchema } from './types.js';

export const TIME = `${META_PACKAGE}.Time`;
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const LIST_META = `${META_PACKAGE}.ListMeta`;
export const OBJECT_META = `${META_PACKAGE}.ObjectMeta`;
export const STATUS = `${META_PACKAGE}.Status`;
export const DELETE_OPTIONS = `${META_PACKAGE}.DeleteOptions`;
export const PATCH = `${META_PACKAGE}.Patch`;
export const WATCH_EVENT = `${META_PACKAGE}.WatchEvent`;
export const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
export const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
export const SCALE_GVK = { group: 'autoscaling', version: 'v1', kind: 'Scale' } as const;

const str = (description: string): JsonSchema => ({ type: 'string', description });
const int = (description: string): JsonSchema => ({ type: 'integer', description });
const withDescription = (schema: JsonSchema, description: string): JsonSchema => ({ ...schema, description });

export const API_VERSION_FIELD = str(FIELD_DESCRIPTIONS.apiVersion!);
export const KIND_FIELD = str(FIELD_DESCRIPTIONS.kind!);

/** The scalar types as Swagger 2.0 writes them; strings with a format, as Kubernetes does. */
const SCALARS_V2: Readonly<Record<string, JsonSchema>> = {
  [TIME]: { type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, to the second, in UTC.' },
  [QUANTITY]: { type: 'string', description: 'A quantity: a number with an optional suffix ("500m", "128Mi", "2"), or a plain number.' },
  [INT_OR_STRING]: {
    type: 'string',
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: 'An integer or a string (a port number or a port name, a count or a percentage).',
  },
};

/** OpenAPI 3 can say what the v2 form only hints at: either of two JSON types. */
export const SCALARS_V3: Readonly<Record<string, JsonSchema>> = {
  [TIME]: SCALARS_V2[TIME]!,
  [QUANTITY]: { oneOf: [{ type: 'string' }, { type: 'number' }], description: SCALARS_V2[QUANTITY]!.description },
  [INT_OR_STRING]: {
    oneOf: [{ type: 'integer' }, { type: 'string' }],
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    description: SCALARS_V2[INT_OR_STRING]!.description,
  },
};

const gvkList = (gvs: readonly GroupVersion[], kind: string) => gvs.map((gv) => ({ group: gv.group, version: gv.version, kind }));

/** The shared definitions; `servedVersions` are the group-versions that take DeleteOptions and watches. */
export function metaDefinitions(servedVersions: readonly GroupVersion[], withScale: boolean): Record<string, JsonSchema> {
  const defs: Record<string, JsonSchema> = {
    ...SCALARS_V2,
    [LIST_META]: {
      type: 'object',
      description: 'Metadata of a list: the revision it was read at and, when paged, where the next page starts.',
      properties: {
        resourceVersion: str('The store revision the list was read at; start a watch from it to miss nothing.'),
        continue: str('Set when more items remain: pass it as ?continue= with the same query to read the next page.'),
        remainingItemCount: int('How many items remain after this page, when the server knows.'),
        selfLink: str('Unused; kept for compatibility.'),
      },
    },
    [`${META_PACKAGE}.StatusCause`]: {
      type: 'object',
      description: 'One reason a request failed, with the field it concerns.',
      properties: {
        reason: str('A machine-readable reason, e.g. FieldValueRequired.'),
        message: str('What was wrong, for a person.'),
        field: str('The path of the field at fault, e.g. spec.containers[0].image.'),
      },
    },
    [`${META_PACKAGE}.StatusDetails`]: {
      type: 'object',
      description: 'Which object a Status is about, and every cause.',
      properties: {
        name: str('The name of the object.'),
        group: str('The group of its kind.'),
        kind: str('Its kind (or resource).'),
        uid: str('Its UID, when known.'),
        causes: { type: 'array', items: ref(`${META_PACKAGE}.StatusCause`), description: 'Every problem found.' },
        retryAfterSeconds: int('When set, how long to wait before trying again.'),
      },
    },
    [STATUS]: {
      type: 'object',
      description: 'The result of a call that returns no object: every error, and some successful deletes.',
      properties: {
        apiVersion: API_VERSION_FIELD,
        kind: KIND_FIELD,
        metadata: withDescription(ref(LIST_META), 'Standard list metadata.'),
        status: str('"Success" or "Failure".'),
        message: str('What happened, for a person.'),
        reason: str('A machine-readable reason, e.g. NotFound, AlreadyExists, Conflict, Invalid.'),
        details: withDescription(ref(`${META_PACKAGE}.StatusDetails`), 'More about the object and the causes.'),
        code: int('The HTTP status code of this answer.'),
      },
      [GVK_EXTENSION]: [{ group: '', version: 'v1', kind: 'Status' }],
    },
    [`${META_PACKAGE}.Preconditions`]: {
      type: 'object',
      description: 'Must hold for a delete to go ahead; otherwise it fails with 409 Conflict.',
      properties: { uid: str('The UID the object must have.'), resourceVersion: str('The resourceVersion the object must have.') },
    },
    [DELETE_OPTIONS]: {
      type: 'object',
      description: 'Options of a delete.',
      properties: {
        apiVersion: API_VERSION_FIELD,
        kind: KIND_FIELD,
        gracePeriodSeconds: int('Seconds before the object is deleted; 0 deletes at once.'),
        preconditions: withDescription(ref(`${META_PACKAGE}.Preconditions`), 'Conditions the object must meet.'),
        orphanDependents: { type: 'boolean', description: 'Deprecated: use propagationPolicy.' },
        propagationPolicy: str('What happens to dependents: Orphan, Background or Foreground.'),
        dryRun: { type: 'array', items: { type: 'string' }, description: '["All"] checks the delete without doing it.' },
      },
      [GVK_EXTENSION]: gvkList(servedVersions, 'DeleteOptions'),
    },
    [PATCH]: { type: 'object', description: 'A patch: a JSON patch, a JSON merge patch or a strategic merge patch, by Content-Type.' },
    [RAW_EXTENSION]: { type: 'object', description: 'An embedded object of any kind.' },
    [WATCH_EVENT]: {
      type: 'object',
      description: 'One event of a watch stream.',
      required: ['type', 'object'],
      properties: {
        type: str('ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'),
        object: withDescription(ref(RAW_EXTENSION), 'The object after the change; a Status for ERROR.'),
      },
      [GVK_EXTENSION]: gvkList(servedVersions, 'WatchEvent'),
    },
  };
  if (withScale) Object.assign(defs, scaleDefinitions());
  return defs;
}

function scaleDefinitions(): Record<string, JsonSchema> {
  return {
    [SCALE]: {
      type: 'object',
      description: 'The scale subresource: the desired and observed replica counts of a workload.',
      properties: {
        apiVersion: API_VERSION_FIELD,
        kind: KIND_FIELD,
        metadata: withDescription(ref(OBJECT_META), 'The metadata of the scaled object.'),
        spec: withDescription(ref(`${SCALE}Spec`), 'The desired replica count.'),
        status: withDescription(ref(`${SCALE}Status`), 'The observed replica count.'),
      },
      [GVK_EXTENSION]: [SCALE_GVK],
    },
    [`${SCALE}Spec`]: {
      type: 'object',
      description: 'The desired scale.',
      properties: { replicas: { type: 'integer', minimum: 0, description: 'The desired number of replicas.' } },
    },
    [`${SCALE}Status`]: {
      type: 'object',
      description: 'The observed scale.',
      required: ['replicas'],
      properties: {
        replicas: int('The observed number of replicas.'),
        selector: str('The label selector of the replicas, in query form (app=web,tier in (a,b)).'),
      },
    },
  };
}
