import { checkLimitArg, checkRevisionArg } from './codec.js';
import { invalidArgument } from './errors.js';
import type { ListOptions } from './types.js';

// The continue token of a paged list: the snapshot revision and the key to resume at, in
// base64url JSON, as Kubernetes does. Opaque to clients.

interface TokenBody {
  v: 1;
  rev: number;
  start: string;
}

export function encodeContinue(revision: number, lastKey: string): string {
  const body: TokenBody = { v: 1, rev: revision, start: lastKey + '\u0000' };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

export function decodeContinue(token: string, prefix: string): { revision: number; start: string } {
  let body: Partial<TokenBody> | undefined;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    body = undefined;
  }
  if (
    !body ||
    body.v !== 1 ||
    typeof body.rev !== 'number' ||
    !Number.isSafeInteger(body.rev) ||
    body.rev < 1 ||
    typeof body.start !== 'string'
  ) {
    throw invalidArgument(`continue token ${JSON.stringify(token.slice(0, 40))} is not valid; list again without it`);
  }
  if (!body.start.startsWith(prefix)) {
    throw invalidArgument(`continue token belongs to another list than prefix "${prefix}"`, prefix);
  }
  return { revision: body.rev, start: body.start };
}

/**
 * Where a list page starts, from its options: the continue token's snapshot and key, or the
 * requested revision (0 = the latest, for the backend to fill in) from the prefix.
 */
export function listStart(prefix: string, options: ListOptions): { revision: number; start: string; limit: number } {
  const limit = checkLimitArg(options.limit);
  if (!options.continue) {
    return { revision: checkRevisionArg(`list of "${prefix}"`, options.revision), start: prefix, limit };
  }
  const { revision, start } = decodeContinue(options.continue, prefix);
  if (options.revision && options.revision !== revision) {
    throw invalidArgument(`list of "${prefix}": revision ${options.revision} differs from the continue token's ${revision}; give one or the other`);
  }
  return { revision, start, limit };
}
