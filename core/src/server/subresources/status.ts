// The status subresource: GET returns the object; PUT and PATCH change its status and nothing
// else (spec and metadata stay as stored), so controllers and agents never undo user edits.
import { readObjectBody, readPatchBody } from '../body.js';
import { writeContext, type Handler } from '../core.js';
import { sendObject } from '../handlers/output.js';
import { patchTransform } from '../handlers/write.js';
import { negotiate, OBJECT_OUTPUTS, warn } from '../negotiate.js';
import { writeQuery } from '../query.js';
import { applyFieldValidation } from '../storage/fields.js';
import { replaceStatus, resourceVersionIn } from '../storage/replace.js';
import { updateObject } from '../storage/update.js';

export const updateStatusHandler: Handler = async (core, ctx, target) => {
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
      subresource: 'status',
      resourceVersion: resourceVersionIn(body),
      admission: 'full',
      transform: (current) => replaceStatus(target.resource, body, current, { namespace: target.namespace, name }),
    },
    writeContext(ctx, query),
  );
  for (const message of warnings) warn(ctx, message);
  sendObject(ctx, target.resource, result.object, output);
};

export const patchStatusHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const query = writeQuery(ctx.query);
  const { patch, contentType } = await readPatchBody(ctx, core.maxBodyBytes);
  const warnings = new Set<string>();
  const name = target.name!;
  const options = { namespace: target.namespace, name };
  const result = await updateObject(
    core.storage,
    target.resource,
    {
      namespace: target.namespace,
      name,
      subresource: 'status',
      admission: 'full',
      transform: patchTransform(target, patch, contentType, query, warnings, (patched, current) =>
        replaceStatus(target.resource, patched, current, options),
      ),
    },
    writeContext(ctx, query),
  );
  for (const message of warnings) warn(ctx, message);
  sendObject(ctx, target.resource, result.object, output);
};
