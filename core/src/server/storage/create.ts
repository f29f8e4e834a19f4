// Create: decode -> server-owned fields -> default and validate -> namespace rules ->
// admission -> store, with a fresh name on a generateName collision.
import { ApiError } from '../../api/errors.js';
import { isRecord, nonEmptyString } from '../../api/objects.js';
import { prepareForCreate } from '../../api/prepare.js';
import type { ApiObject } from '../../api/types.js';
import type { ServedResource } from '../resources.js';
import { asApiError, isCode, type Storage, type WriteContext } from './context.js';
import { generatedName, stampCreated } from './meta.js';

const GENERATE_NAME_ATTEMPTS = 8;
export const NAMESPACE_FINALIZER = 'kubernetes';

function isNamespaceKind(res: ServedResource): boolean {
  return res.group === '' && res.kind === 'Namespace';
}

/** What Kubernetes' strategies do before validation: reset what a client may not set. */
function prepareBody(res: ServedResource, body: Record<string, unknown>): void {
  if (!isRecord(body.metadata)) return;
  const meta = body.metadata;
  if (!res.namespaced) delete meta.namespace;
  if (res.rules.resetStatusOnCreate) delete body.status;
  if (isNamespaceKind(res)) {
    // Every namespace is finalized by the server's namespace loop before it goes away.
    const spec = isRecord(body.spec) ? body.spec : (body.spec = {});
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
    if (!finalizers.includes(NAMESPACE_FINALIZER)) spec.finalizers = [...finalizers, NAMESPACE_FINALIZER];
    body.status = { phase: 'Active' };
  }
}

/**
 * Creates `body` (decoded, owned by the caller: it is changed) as a `res` in `namespace`.
 * Returns the object as stored (or as it would be, for a dry run).
 */
export async function createObject(
  storage: Storage,
  res: ServedResource,
  namespace: string | undefined,
  body: unknown,
  ctx: WriteContext,
): Promise<ApiObject> {
  if (!isRecord(body)) {
    throw ApiError.badRequest(`the body must be a ${res.kind} object with apiVersion, kind and metadata`);
  }
  if (body.metadata === undefined) body.metadata = {};
  prepareBody(res, body);
  const meta = isRecord(body.metadata) ? body.metadata : undefined;
  const generate = meta !== undefined && !nonEmptyString(meta.name) && nonEmptyString(meta.generateName);
  if (generate) meta.name = generatedName(meta.generateName as string);

  // Server-owned fields first: defaulting may use them (a Job's selector is keyed by its uid).
  if (meta) stampCreated({ metadata: meta } as ApiObject);
  const obj = prepareForCreate(res.def, body, { namespace });
  const name = obj.metadata.name!;
  const ns = res.namespaced ? obj.metadata.namespace : undefined;
  if (ns !== undefined) await storage.namespaces.checkCreate(ns, res.groupResource, name);

  const admitted = await storage.admission.admit(
    obj,
    { operation: 'CREATE', resource: res.def, namespace: ns, name, user: ctx.user, dryRun: ctx.dryRun },
    (o) => res.def.validate(o),
  );
  if (admitted.metadata.name !== name || (res.namespaced && admitted.metadata.namespace !== ns)) {
    throw ApiError.internal(new Error('an admission plugin changed the name or namespace of the object'));
  }
  if (ctx.dryRun) return admitted;

  const allocated = await storage.allocations?.beforeCreate(res, admitted);
  for (let attempt = 1; ; attempt++) {
    try {
      return (await storage.store.create(res.key(ns, admitted.metadata.name!), admitted)) as ApiObject;
    } catch (err) {
      if (!(generate && isCode(err, 'AlreadyExists') && attempt < GENERATE_NAME_ATTEMPTS)) {
        await allocated?.undo();
        throw asApiError(err, res, admitted.metadata.name!);
      }
      admitted.metadata.name = generatedName(admitted.metadata.generateName!);
    }
  }
}
