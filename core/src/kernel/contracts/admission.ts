import type { ApiObject, ResourceDefinition } from '../../api/index.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** Who sent the request, as the API server authenticated it. */
export interface UserInfo {
  readonly username: string;
  readonly groups?: readonly string[];
}

/** What the API server knows about a write while admission runs. */
export interface AdmissionContext {
  readonly operation: AdmissionOperation;
  /** The kind being written, as registered through `registerResources`. */
  readonly resource: ResourceDefinition;
  /** 'status', 'scale', 'binding', ... when the request targets a subresource. */
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** The stored object before this request (UPDATE, DELETE). */
  readonly oldObject?: ApiObject;
  readonly user?: UserInfo;
  /** A dry run must have no side effects: admission plugins must not write anything. */
  readonly dryRun: boolean;
}

/**
 * Thrown by a `validate` tap to refuse a write. The API server answers with a `Status` (403
 * Forbidden, as Kubernetes does for admission denials) carrying `message` and, when given,
 * the offending `field`.
 */
export class AdmissionDenied extends Error {
  override readonly name = 'AdmissionDenied';

  constructor(
    /** The plugin that refused (its tap name), so the user knows whom to ask. */
    readonly plugin: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
