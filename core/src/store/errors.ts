export type StoreErrorCode =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  /** The revision asked for is older than the compaction point (HTTP 410 Gone). */
  | 'Compacted'
  /** The revision asked for is newer than the store's current revision. */
  | 'FutureRevision'
  /** A bad argument: malformed continue token, non-object value, ... */
  | 'InvalidArgument'
  /** A watch's consumer fell too far behind; watch again from the last revision it saw. */
  | 'WatchOverflow'
  /** Data on disk failed verification; the store refuses to start. */
  | 'Corrupt'
  /** The store cannot serve now: etcd unreachable, store closed, or a failed disk write. */
  | 'Unavailable'
  | 'Internal';

export interface StoreErrorDetails {
  key?: string;
  /** The revision the caller asked for or expected. */
  revision?: number;
  /** The store's side: the current modRevision (Conflict), the compaction point (Compacted). */
  actualRevision?: number;
  /** For Corrupt: the file and byte offset at fault. */
  file?: string;
  offset?: number;
  cause?: unknown;
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly key: string | undefined;
  readonly revision: number | undefined;
  readonly actualRevision: number | undefined;
  readonly file: string | undefined;
  readonly offset: number | undefined;

  constructor(code: StoreErrorCode, message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.key = details.key;
    this.revision = details.revision;
    this.actualRevision = details.actualRevision;
    this.file = details.file;
    this.offset = details.offset;
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

// Constructors for the common cases, so both backends word them alike.

export function notFound(key: string): StoreError {
  return new StoreError('NotFound', `key "${key}" not found`, { key });
}

export function alreadyExists(key: string, actual: number): StoreError {
  return new StoreError('AlreadyExists', `key "${key}" already exists (resourceVersion ${actual})`, {
    key,
    actualRevision: actual,
  });
}

export function conflict(key: string, what: string, expected: string, actual: string, actualRevision?: number): StoreError {
  return new StoreError(
    'Conflict',
    `conflict on key "${key}": expected ${what} ${expected} but the current one is ${actual}; read the object again and retry`,
    { key, actualRevision },
  );
}

export function compacted(what: string, revision: number, compactRevision?: number): StoreError {
  const since = compactRevision === undefined ? '' : ` (history starts at revision ${compactRevision})`;
  return new StoreError('Compacted', `${what}: revision ${revision} has been compacted${since}; list again to get a current revision`, {
    revision,
    actualRevision: compactRevision,
  });
}

export function futureRevision(what: string, revision: number, current: number): StoreError {
  return new StoreError(
    'FutureRevision',
    `${what}: revision ${revision} is newer than the store's current revision ${current}`,
    { revision, actualRevision: current },
  );
}

export function invalidArgument(message: string, key?: string): StoreError {
  return new StoreError('InvalidArgument', message, { key });
}
