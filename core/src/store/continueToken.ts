import { invalidArgument } from './errors.js';

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
