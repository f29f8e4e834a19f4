// Assembles a ResourceDefinition from its parts: the joi schema, the name rule, the defaults
// and the kind's cross-field and update rules. Plugins use it for kinds of their own.
import type Joi from 'joi';
import { fillerOf } from './defaults/pod.js';
import { nameIsDnsSubdomain, type NameValidator } from './names.js';
import { copyWithoutNulls, isRecord } from './objects.js';
import type { ResourceDefinition } from './resource.js';
import type { ApiObject, StatusCause } from './types.js';
import { dedupeCauses, internalCause } from './validation/field.js';
import { validateMetaUpdate } from './validation/immutable.js';
import { validateObjectMeta } from './validation/meta.js';
import { schemaCauses } from './validation/schemaCauses.js';

type Rec = Record<string, unknown>;

export interface ResourceSpec<T extends ApiObject> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  /** Defaults to the kind in lower case. */
  singular?: string;
  /** Defaults to `<kind>List`. */
  listKind?: string;
  shortNames?: readonly string[];
  namespaced: boolean;
  categories?: readonly string[];
  subresources?: ResourceDefinition['subresources'];
  selectableFields?: Readonly<Record<string, string>>;
  schema: Joi.ObjectSchema;
  /** How `metadata.name` is checked; a DNS-1123 subdomain unless given. */
  validateName?: NameValidator;
  defaults?: (obj: T) => T;
  /** Cross-field rules; they get the object as untrusted JSON and must look before they touch. */
  rules?: (obj: Rec) => StatusCause[];
  /** What may not change on update, beyond metadata.name/namespace/uid/creationTimestamp. */
  updateRules?: (obj: Rec, old: Rec) => StatusCause[];
  prepareForUpdate?: (obj: T, old: T) => T;
}

function guarded(field: string, run: () => StatusCause[]): StatusCause[] {
  try {
    return run();
  } catch (error) {
    // A rule tripping over malformed input must not hide the other problems.
    return [internalCause(field, error instanceof Error ? error.message : String(error))];
  }
}

export function defineResource<T extends ApiObject>(spec: ResourceSpec<T>): ResourceDefinition<T> {
  const validateName = spec.validateName ?? nameIsDnsSubdomain;
  const definition: ResourceDefinition<T> = {
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: spec.listKind ?? `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    shortNames: spec.shortNames ?? [],
    namespaced: spec.namespaced,
    subresources: spec.subresources ?? {},
    schema: spec.schema,
    applyDefaults(obj: T): T {
      return spec.defaults ? spec.defaults(obj) : copyWithoutNulls(obj);
    },
    validate(obj: T, old?: T): StatusCause[] {
      const causes = schemaCauses(spec.schema, obj);
      if (!isRecord(obj)) return causes;
      causes.push(...guarded('metadata', () => validateObjectMeta(obj.metadata, { namespaced: spec.namespaced, validateName })));
      if (spec.rules) causes.push(...guarded('', () => spec.rules!(obj)));
      if (old && isRecord(old)) {
        causes.push(...validateMetaUpdate(obj, old));
        if (spec.updateRules) causes.push(...guarded('', () => spec.updateRules!(obj, old)));
      }
      return dedupeCauses(causes);
    },
  };
  if (spec.categories) Object.assign(definition, { categories: spec.categories });
  if (spec.selectableFields) Object.assign(definition, { selectableFields: spec.selectableFields });
  if (spec.prepareForUpdate) definition.prepareForUpdate = spec.prepareForUpdate;
  const fill = spec.defaults ? fillerOf(spec.defaults) : () => undefined;
  if (fill) Object.assign(definition, { fillDefaults: fill });
  return Object.freeze(definition);
}
