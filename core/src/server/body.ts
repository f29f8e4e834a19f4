// Request bodies: read with a size limit, decoded from JSON or YAML, every failure a Status
// that says what was wrong and where (line and column).
import { LineCounter, parseAllDocuments } from 'yaml';
import { ApiError } from '../api/errors.js';
import { PATCH_CONTENT_TYPES } from './patch/index.js';
import type { ServerContext } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

const JSON_TYPES = new Set(['application/json', '']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);
const OBJECT_TYPES = ['application/json', 'application/yaml'];

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** The raw body, refusing one over `limit` bytes with 413 (the connection is then closed). */
export async function readBody(ctx: ServerContext, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (declared > limit) {
    ctx.set('Connection', 'close');
    throw ApiError.requestEntityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.set('Connection', 'close');
      throw ApiError.requestEntityTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : text.length;
    const { line, column } = lineAndColumn(text, position);
    const detail = message.replace(/ in JSON at position \d+.*$/, '');
    throw ApiError.badRequest(`the request body is not valid JSON: ${detail} (line ${line}, column ${column})`);
  }
}

function parseYaml(text: string): unknown {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs.filter((d) => d.contents !== null || d.errors.length > 0) : [];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw ApiError.badRequest(`the request body is not valid YAML: ${error.message.split('\n')[0]} (line ${line}, column ${col})`);
    }
  }
  if (list.length !== 1) {
    throw ApiError.badRequest(`the request body must hold exactly one YAML document, found ${list.length}`);
  }
  try {
    return list[0]!.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw ApiError.badRequest(`the request body is not valid YAML: ${(err as Error).message}`);
  }
}

/** An object body (create, update, subresources) in JSON or YAML. */
export async function readObjectBody(ctx: ServerContext, limit: number): Promise<unknown> {
  const type = mediaType(ctx.get('Content-Type'));
  const yaml = YAML_TYPES.has(type);
  if (!yaml && !JSON_TYPES.has(type)) throw ApiError.unsupportedMediaType(type, OBJECT_TYPES);
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) throw ApiError.badRequest('the request body is empty; send the object as JSON or YAML');
  const text = raw.toString('utf8');
  return yaml ? parseYaml(text) : parseJson(text);
}

/**
 * A PATCH body and its type. JSON text is parsed here (with line and column on error);
 * server-side apply is not served yet and gets 415 like any type we do not know.
 */
export async function readPatchBody(ctx: ServerContext, limit: number): Promise<{ patch: unknown; contentType: string }> {
  const type = mediaType(ctx.get('Content-Type'));
  if (!(PATCH_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw ApiError.unsupportedMediaType(type, PATCH_CONTENT_TYPES);
  }
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) throw ApiError.badRequest('the patch is empty');
  return { patch: parseJson(raw.toString('utf8')), contentType: type };
}

/** An optional body (DELETE options): absent or empty is fine. */
export async function readOptionalBody(ctx: ServerContext, limit: number): Promise<unknown> {
  if (!ctx.get('Content-Length') && !ctx.get('Transfer-Encoding')) return undefined;
  const type = mediaType(ctx.get('Content-Type'));
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (YAML_TYPES.has(type)) return parseYaml(text);
  if (!JSON_TYPES.has(type)) throw ApiError.unsupportedMediaType(type, OBJECT_TYPES);
  return parseJson(text);
}
