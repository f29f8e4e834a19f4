// The small vocabulary shared by the document builders.

/** An OpenAPI schema (or any other node of a document) as plain JSON. */
export type JsonSchema = { [key: string]: unknown };

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** Definitions are written with v2 references; the v3 builder rewrites them. */
export const V2_REF_PREFIX = '#/definitions/';
export const V3_REF_PREFIX = '#/components/schemas/';

export const ref = (name: string): JsonSchema => ({ $ref: V2_REF_PREFIX + name });

/** The definition name a v2 reference points at, or undefined for anything else. */
export function refTarget(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const target = (schema as JsonSchema).$ref;
  return typeof target === 'string' && target.startsWith(V2_REF_PREFIX) ? target.slice(V2_REF_PREFIX.length) : undefined;
}

export const GVK_EXTENSION = 'x-kubernetes-group-version-kind';
export const PATCH_STRATEGY = 'x-kubernetes-patch-strategy';
export const PATCH_MERGE_KEY = 'x-kubernetes-patch-merge-key';
