// Admission through the kernel's hooks: mutate (each tap may change the object), the object is
// validated again (a mutator may have broken it), then validate (any tap may refuse).
import { ApiError } from '../api/errors.js';
import type { ApiObject, StatusCause } from '../api/types.js';
import { AdmissionDenied, type AdmissionContext } from '../kernel/contracts/admission.js';
import type { Corral } from '../kernel/Corral.js';
import { fromAdmissionDenied } from './errors.js';

export class Admission {
  constructor(private readonly corral: Corral) {}

  /**
   * Runs both hooks on `obj`; `revalidate` re-checks a mutated object (its causes become a 422).
   * Hooks with no taps cost nothing.
   */
  async admit(obj: ApiObject, ctx: AdmissionContext, revalidate: (obj: ApiObject) => StatusCause[]): Promise<ApiObject> {
    const { mutate, validate } = this.corral.hooks;
    let out = obj;
    try {
      if (mutate.isUsed()) {
        out = await mutate.promise(obj, ctx);
        const causes = revalidate(out);
        if (causes.length > 0) {
          throw ApiError.invalid({ group: ctx.resource.group, kind: ctx.resource.kind }, ctx.name ?? out.metadata?.name, causes);
        }
      }
      if (validate.isUsed()) await validate.promise(out, ctx);
    } catch (err) {
      throw this.translate(err, ctx);
    }
    return out;
  }

  /** The validate hook only: deletes, and subresources whose body is not the object itself. */
  async validateOnly(obj: ApiObject, ctx: AdmissionContext): Promise<void> {
    const { validate } = this.corral.hooks;
    if (!validate.isUsed()) return;
    try {
      await validate.promise(obj, ctx);
    } catch (err) {
      throw this.translate(err, ctx);
    }
  }

  private translate(err: unknown, ctx: AdmissionContext): unknown {
    if (!(err instanceof AdmissionDenied)) return err;
    return fromAdmissionDenied(err, { group: ctx.resource.group, resource: ctx.resource.plural }, ctx.name ?? '');
  }
}
