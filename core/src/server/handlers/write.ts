// POST (create), and PUT and PATCH of whole objects or of their status.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import { readObjectBody, readPatchBody } from '../body.js';
import { writeContext, type Handler, type ServerCore } from '../core.js';
import { negotiate, OBJECT_OUTPUTS, warn } from '../negotiate.js';
import { applyPatch } from '../patch/index.js';
import { writeQuery, type WriteQuery } from '../query.js';
import { createObject } from '../storage/create.js';
import { applyFieldValidation } from '../storage/fields.js';
import { replaceObject, resourceVersionIn } from '../storage/replace.js';
import { conflictError, updateObject } from '../storage/update.js';
import type { Target } from '../target.js';
import type { ServerContext } from '../types.js';
import { sendObject } from './output.js';

function sendWarnings(ctx: ServerContext, warnings: Set<string>): void {
  for (const message of warnings) warn(ctx, message);
}

export const createHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const query = writeQuery(ctx.query);
  const body = await readObjectBody(ctx, core.maxBodyBytes);
  const warnings = new Set<string>();
  applyFieldValidation(target.resource.def, body, query.fieldValidation, warnings);
  const created = await createObject(core.storage, target.resource, target.namespace, body, writeContext(ctx, query));
  sendWarnings(ctx, warnings);
  sendObject(ctx, target.resource, created, output, 201);
};

/** A PUT body's create, for kinds that allow create-on-update. */
function createInstead(core: ServerCore, ctx: ServerContext, target: Target, body: unknown, query: WriteQuery): (() => Promise<ApiObject>) | undefined {
  if (!target.resource.rules.createOnUpdate) return undefined;
  return () => createObject(core.storage, target.resource, target.namespace, structuredClone(body), writeContext(ctx, query));
}

/** How a PUT or PATCH body becomes the stored object: the whole object, or only its status. */
type Replace = typeof replaceObject;

/**
 * PUT of the object (`replace` = replaceObject) or of a subresource such as status
 * (replaceStatus): the stored object's resourceVersion is the precondition the body carries.
 */
export function putHandler(replace: Replace, subresource?: string): Handler {
  return async (core, ctx, target) => {
    const output = negotiate(ctx, OBJECT_OUTPUTS);
    const query = writeQuery(ctx.query);
    const body = await readObjectBody(ctx, core.maxBodyBytes);
    const warnings = new Set<string>();
    applyFieldValidation(target.resource.def, body, query.fieldValidation, warnings);
    const name = target.name!;
    const result = await updateObject(
      core.storage,
      target.resource,
      {
        namespace: target.namespace,
        name,
        ...(subresource ? { subresource } : {}),
        resourceVersion: resourceVersionIn(body),
        admission: 'full',
        transform: (current) => replace(target.resource, body, current, { namespace: target.namespace, name }),
        create: subresource ? undefined : createInstead(core, ctx, target, body, query),
      },
      writeContext(ctx, query),
    );
    sendWarnings(ctx, warnings);
    sendObject(ctx, target.resource, result.object, output, result.created ? 201 : 200);
  };
}

/**
 * Applies the patch to the stored object; a resourceVersion the patch sets is a precondition.
 * `replace` turns the patched object into the replacement (the object, or only its status).
 */
function patchTransform(
  target: Target,
  patch: unknown,
  contentType: string,
  query: WriteQuery,
  warnings: Set<string>,
  replace: Replace,
): (current: ApiObject) => ApiObject {
  return (current) => {
    const patched = applyPatch(target.resource.kind, current, patch, contentType);
    const rv = resourceVersionIn(patched);
    if (rv !== undefined && rv !== current.metadata.resourceVersion) throw conflictError(target.resource, target.name!);
    applyFieldValidation(target.resource.def, patched, query.fieldValidation, warnings);
    return replace(target.resource, patched, current, { namespace: target.namespace, name: target.name! });
  };
}

/** PATCH of the object or of a subresource, as putHandler. */
export function patchHandler(replace: Replace, subresource?: string): Handler {
  return async (core, ctx, target) => {
    const output = negotiate(ctx, OBJECT_OUTPUTS);
    const query = writeQuery(ctx.query);
    const { patch, contentType } = await readPatchBody(ctx, core.maxBodyBytes);
    const warnings = new Set<string>();
    const result = await updateObject(
      core.storage,
      target.resource,
      {
        namespace: target.namespace,
        name: target.name!,
        ...(subresource ? { subresource } : {}),
        admission: 'full',
        transform: patchTransform(target, patch, contentType, query, warnings, replace),
      },
      writeContext(ctx, query),
    );
    sendWarnings(ctx, warnings);
    sendObject(ctx, target.resource, result.object, output);
  };
}

export const updateHandler = putHandler(replaceObject);
export const objectPatchHandler = patchHandler(replaceObject);

export function requireNamespace(target: Target, verb: string): void {
  if (target.resource.namespaced && target.namespace === undefined) {
    throw ApiError.methodNotAllowed(
      `${verb} without a namespace`,
      `${target.resource.plural}; use /namespaces/{namespace}/${target.resource.plural}`,
    );
  }
}
