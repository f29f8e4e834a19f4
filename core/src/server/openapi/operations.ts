// The REST operations of each resource, as one neutral list that the v2 and v3 builders each
// write in their own form. kubectl reads three things from them: the group-version-kind of the
// PATCH operation (with its `fieldValidation` parameter, to decide that the server validates
// fields), the patch content types it takes, and the paths `kubectl explain` looks a resource up by.
import { apiVersionOf, type ResourceDefinition } from '../../api/index.js';
import { PATCH_CONTENT_TYPES, STRATEGIC_MERGE_PATCH_CONTENT_TYPE, supportsStrategicMerge } from '../patch/index.js';
import { DELETE_OPTIONS, PATCH, SCALE, SCALE_GVK, STATUS } from './meta.js';
import type { GroupVersionKind } from './types.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Action = 'get' | 'list' | 'post' | 'put' | 'patch' | 'delete' | 'deletecollection';

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly type: 'string' | 'integer' | 'boolean';
  readonly description: string;
}

export interface Operation {
  readonly method: HttpMethod;
  readonly operationId: string;
  readonly description: string;
  readonly action: Action;
  readonly gvk: GroupVersionKind;
  readonly tag: string;
  readonly parameters: readonly Parameter[];
  /** The request body: a definition name and the content types it may come in. */
  readonly body?: { readonly schema: string; readonly required: boolean; readonly contentTypes: readonly string[] };
  readonly responses: ReadonlyArray<{ readonly code: string; readonly schema: string; readonly description: string }>;
  readonly produces: readonly string[];
}

export interface PathEntry {
  readonly path: string;
  /** Parameters every operation of the path takes (the path's own, and `pretty`). */
  readonly parameters: readonly Parameter[];
  readonly operations: readonly Operation[];
}

const q = (name: string, type: Parameter['type'], description: string): Parameter => ({ name, in: 'query', type, description });
const p = (name: string, description: string): Parameter => ({ name, in: 'path', type: 'string', description });

const PRETTY = q('pretty', 'string', "'true' indents the answer.");
const DRY_RUN = q('dryRun', 'string', "'All' runs every check and stores nothing.");
const FIELD_MANAGER = q('fieldManager', 'string', 'The name of the actor making the change.');
const FIELD_VALIDATION = q(
  'fieldValidation',
  'string',
  'What to do with unknown or duplicate fields: Ignore, Warn or Strict. Corral rejects unknown fields, naming each.',
);
const FORCE = q('force', 'boolean', 'Only for apply patches: take over fields other managers own.');
const LIST_PARAMS: readonly Parameter[] = [
  q('labelSelector', 'string', 'Only objects whose labels match, e.g. app=web,tier!=db.'),
  q('fieldSelector', 'string', 'Only objects whose fields match, e.g. metadata.name=web,status.phase=Running.'),
  q('limit', 'integer', 'At most this many items; the list metadata says where to continue.'),
  q('continue', 'string', 'The continue token of the previous page.'),
  q('resourceVersion', 'string', 'For a watch, the revision to start after; for a list, the revision to read at.'),
  q('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  q('timeoutSeconds', 'integer', 'Ends a list or watch after this long.'),
  q('watch', 'boolean', 'Streams changes (ADDED, MODIFIED, DELETED) instead of listing.'),
  q('allowWatchBookmarks', 'boolean', 'Lets the watch send BOOKMARK events.'),
];
const DELETE_PARAMS: readonly Parameter[] = [
  DRY_RUN,
  q('gracePeriodSeconds', 'integer', 'Seconds before the object is deleted; 0 deletes at once.'),
  q('propagationPolicy', 'string', 'What happens to dependents: Orphan, Background or Foreground.'),
  q('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy.'),
];

const JSON_TYPE = 'application/json';
const WATCH_TYPES = [JSON_TYPE, 'application/json;stream=watch'];

/** `Core` for the core group, `Apps`, `Coordination` for coordination.k8s.io, as in Kubernetes' operation ids. */
function groupWord(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

export function tagOf(group: string, version: string): string {
  const g = group === '' ? 'core' : group.replace(/\.k8s\.io$/, '').replace(/[.-]/g, '_');
  return `${g}_${version}`;
}

/** The URL prefix of a group-version: /api/v1 or /apis/<group>/<version>. */
export function groupVersionPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** Definition names the operations refer to, for one kind. */
export interface KindRefs {
  readonly kind: string;
  readonly list: string;
}

/** Every path of `def`'s resource with its operations. */
export function resourcePaths(def: ResourceDefinition, refs: KindRefs): PathEntry[] {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const tag = tagOf(def.group, def.version);
  const scope = def.namespaced ? 'Namespaced' : '';
  const id = (verb: string, suffix = '') => `${verb}${groupWord(def.group)}${def.version.charAt(0).toUpperCase()}${def.version.slice(1)}${suffix}`;
  const ofKind = `${scope}${def.kind}`;
  const prefix = groupVersionPrefix(def.group, def.version);
  const collection = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
  const item = `${collection}/{name}`;
  const namespace = def.namespaced ? [p('namespace', 'The namespace of the objects.')] : [];
  const name = p('name', `The name of the ${def.kind}.`);
  const patchTypes = PATCH_CONTENT_TYPES.filter((t) => t !== STRATEGIC_MERGE_PATCH_CONTENT_TYPE || supportsStrategicMerge(def.kind));
  const base = { gvk, tag, produces: [JSON_TYPE] };
  const what = `${def.kind} (${apiVersionOf(def)})`;

  const ok = (schema: string, code = '200') => ({ code, schema, description: code === '201' ? 'Created' : code === '202' ? 'Accepted' : 'OK' });
  const write = (body: string, ...p: Parameter[]) => ({ parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, ...p], body });

  /** get / put / patch of the object or of one of its subresources. */
  const itemOps = (schema: string, opGvk: GroupVersionKind, sub: string, label: string): Operation[] => [
    { ...base, gvk: opGvk, method: 'get', action: 'get', operationId: id('read', `${ofKind}${sub}`), description: `read ${label}`, parameters: [], responses: [ok(schema)] },
    {
      ...base,
      gvk: opGvk,
      method: 'put',
      action: 'put',
      operationId: id('replace', `${ofKind}${sub}`),
      description: `replace ${label}`,
      ...withBody(write(schema), [JSON_TYPE], true),
      responses: [ok(schema), ok(schema, '201')],
    },
    {
      ...base,
      gvk: opGvk,
      method: 'patch',
      action: 'patch',
      operationId: id('patch', `${ofKind}${sub}`),
      description: `partially update ${label}`,
      ...withBody(write(PATCH, FORCE), patchTypes, true),
      responses: [ok(schema), ok(schema, '201')],
    },
  ];

  const paths: PathEntry[] = [
    {
      path: collection,
      parameters: [...namespace, PRETTY],
      operations: [
        { ...base, method: 'get', action: 'list', operationId: id('list', ofKind), description: `list or watch objects of kind ${what}`, parameters: LIST_PARAMS, responses: [ok(refs.list)], produces: WATCH_TYPES },
        {
          ...base,
          method: 'post',
          action: 'post',
          operationId: id('create', ofKind),
          description: `create a ${what}`,
          ...withBody(write(refs.kind), [JSON_TYPE], true),
          responses: [ok(refs.kind), ok(refs.kind, '201'), ok(refs.kind, '202')],
        },
        {
          ...base,
          method: 'delete',
          action: 'deletecollection',
          operationId: id('delete', `Collection${ofKind}`),
          description: `delete a collection of ${what}`,
          ...withBody({ parameters: [...DELETE_PARAMS, ...LIST_PARAMS.filter((x) => x.name !== 'watch' && x.name !== 'allowWatchBookmarks')], body: DELETE_OPTIONS }, [JSON_TYPE], false),
          responses: [ok(STATUS)],
        },
      ],
    },
    {
      path: item,
      parameters: [name, ...namespace, PRETTY],
      operations: [
        ...itemOps(refs.kind, gvk, '', `the specified ${what}`),
        {
          ...base,
          method: 'delete',
          action: 'delete',
          operationId: id('delete', ofKind),
          description: `delete a ${what}`,
          ...withBody({ parameters: DELETE_PARAMS, body: DELETE_OPTIONS }, [JSON_TYPE], false),
          responses: [ok(STATUS), ok(STATUS, '202')],
        },
      ],
    },
  ];
  if (def.namespaced) {
    paths.push({
      path: `${prefix}/${def.plural}`,
      parameters: [PRETTY],
      operations: [
        { ...base, method: 'get', action: 'list', operationId: id('list', `${def.kind}ForAllNamespaces`), description: `list or watch objects of kind ${what} in every namespace`, parameters: LIST_PARAMS, responses: [ok(refs.list)], produces: WATCH_TYPES },
      ],
    });
  }
  if (def.subresources.status) {
    paths.push({ path: `${item}/status`, parameters: [name, ...namespace, PRETTY], operations: itemOps(refs.kind, gvk, 'Status', `the status of the specified ${what}`) });
  }
  if (def.subresources.scale) {
    paths.push({ path: `${item}/scale`, parameters: [name, ...namespace, PRETTY], operations: itemOps(SCALE, SCALE_GVK, 'Scale', `the scale of the specified ${what}`) });
  }
  return paths;
}

function withBody(
  parts: { parameters: readonly Parameter[]; body: string },
  contentTypes: readonly string[],
  required: boolean,
): Pick<Operation, 'parameters' | 'body'> {
  return { parameters: parts.parameters, body: { schema: parts.body, required, contentTypes } };
}
