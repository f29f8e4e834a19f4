import type { Schema } from 'joi';
import type { ApiObject, StatusCause } from './types.js';

/**
 * Everything the API needs to serve one kind: where it lives (group, version, plural), how it is
 * named on the command line, and how an object of it is defaulted and validated. Built-in kinds
 * come from `builtinResources`; plugins may register more through the kernel.
 */
export interface ResourceDefinition<T extends ApiObject = ApiObject> {
  /** '' for the core group (`/api/v1`), else e.g. 'apps' (`/apis/apps/v1`). */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** The path segment and store key segment: `pods` in `/registry/pods/<ns>/<name>`. */
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  readonly categories?: readonly string[];
  /** Subresources the kind serves beyond the object itself. */
  readonly subresources: {
    readonly status?: boolean;
    /** Where replicas live, for `/scale`. */
    readonly scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  /**
   * Fields a `?fieldSelector=` may use beyond `metadata.name` and `metadata.namespace`: the
   * selector's field name -> the dotted path of the value in the object (usually the same).
   */
  readonly selectableFields?: Readonly<Record<string, string>>;
  /** The joi schema of the whole object (spec and status). */
  readonly schema: Schema;
  /** Returns a copy of `obj` with Kubernetes' defaults filled in; never mutates `obj`. */
  applyDefaults(obj: T): T;
  /**
   * Fills the defaults into `obj` itself, as `applyDefaults` would into its copy; only for an
   * object the caller owns, already without nulls. Optional: without it, `applyDefaults`.
   */
  readonly fillDefaults?: (obj: Record<string, unknown>) => void;
  /**
   * Every problem with `obj`, each with its field path; empty when valid. With `old` (an update),
   * also the changes to immutable fields. Expects defaulted objects (`applyDefaults` first), as
   * `prepareForCreate` and `prepareForUpdate` do.
   */
  validate(obj: T, old?: T): StatusCause[];
  /**
   * Carries over from the stored object what an update may leave out (a Service's allocated
   * clusterIP, say). Returns a copy; optional.
   */
  prepareForUpdate?(obj: T, old: T): T;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(def: Pick<ResourceDefinition, 'group' | 'version'>): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
