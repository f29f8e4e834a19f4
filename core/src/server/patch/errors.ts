// Errors a PATCH can end in. The server turns them into a Status with `status` as its code:
// 400 for a patch document that is malformed, 422 for a well-formed patch that cannot apply to
// this object (a failed `test`, a path that is not there), 415 for a patch type we do not serve.

export type PatchErrorStatus = 400 | 415 | 422;

export interface PatchErrorDetails {
  status?: PatchErrorStatus;
  /** Where in the object: a JSON pointer for JSON patch, a dotted field path for the others. */
  field?: string;
  /** For JSON patch: the index of the operation that failed. */
  operation?: number;
}

export class PatchError extends Error {
  override readonly name: string = 'PatchError';
  readonly status: PatchErrorStatus;
  readonly field: string | undefined;
  readonly operation: number | undefined;

  constructor(message: string, details: PatchErrorDetails = {}) {
    super(message);
    this.status = details.status ?? 422;
    this.field = details.field;
    this.operation = details.operation;
  }

  /** The Status `reason` Kubernetes uses for this code. */
  get reason(): 'BadRequest' | 'UnsupportedMediaType' | 'Invalid' {
    if (this.status === 400) return 'BadRequest';
    if (this.status === 415) return 'UnsupportedMediaType';
    return 'Invalid';
  }
}

/** The Content-Type names no patch format we apply (or the kind has no strategic merge schema). */
export class UnsupportedPatchTypeError extends PatchError {
  override readonly name: string = 'UnsupportedPatchTypeError';
  readonly contentType: string;

  constructor(contentType: string, message?: string) {
    super(
      message ??
        `unsupported patch type "${contentType}": use application/json-patch+json, ` +
          'application/merge-patch+json or application/strategic-merge-patch+json',
      { status: 415 },
    );
    this.contentType = contentType;
  }
}
