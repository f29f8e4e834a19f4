// namespaces/{name}/finalize: the one way to change a namespace's spec.finalizers. When the last
// one goes from a namespace being deleted, the namespace is deleted.
import { isRecord } from '../../api/objects.js';
import { prepareForUpdate } from '../../api/prepare.js';
import { readObjectBody } from '../body.js';
import { writeContext, type Handler } from '../core.js';
import { sendObject } from '../handlers/output.js';
import { negotiate, OBJECT_OUTPUTS } from '../negotiate.js';
import { writeQuery } from '../query.js';
import { resourceVersionIn } from '../storage/replace.js';
import { updateObject } from '../storage/update.js';

export const finalizeHandler: Handler = async (core, ctx, target) => {
  const output = negotiate(ctx, OBJECT_OUTPUTS);
  const query = writeQuery(ctx.query);
  const body = await readObjectBody(ctx, core.maxBodyBytes);
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const result = await updateObject(
    core.storage,
    target.resource,
    {
      name: target.name!,
      subresource: 'finalize',
      resourceVersion: resourceVersionIn(body),
      admission: 'full',
      transform: (current) => {
        const next: Record<string, unknown> = { ...current, spec: { ...(current.spec as object | undefined) } };
        const nextSpec = next.spec as Record<string, unknown>;
        if (Array.isArray(spec.finalizers) && spec.finalizers.length > 0) nextSpec.finalizers = spec.finalizers;
        else delete nextSpec.finalizers;
        return prepareForUpdate(target.resource.def, next, current);
      },
    },
    writeContext(ctx, query),
  );
  sendObject(ctx, target.resource, result.object, output);
};
