// Request bodies: read with a size limit, decoded from JSON, YAML or Kubernetes protobuf, every
// failure a Status that says what was wrong and where (line and column, or byte).
import { LineCounter, parseAllDocuments } from 'yaml';
import { ApiError } from '../api/errors.js';
import { isRecord } from '../api/objects.js';
import { dropsKeys, findDuplicateKey, MAX_BODY_DEPTH, measureValue, nestsTooDeep } from './bodyShape.js';
import { warn } from './negotiate.js';
import { PATCH_CONTENT_TYPES } from './patch/index.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from './protobuf/index.js';
import { param, type FieldValidation } from './query.js';
import type { ServerContext } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

const JSON_TYPES = new Set(['application/json', '']);
const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);
const OBJECT_TYPES = ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE];

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/**
 * The raw body, refusing one over `limit` bytes with 413 (the connection is then closed). Read
 * with listeners rather than an async iterator: this runs on every write, and the iterator's
 * machinery costs more than the copy of a small body.
 */
export function readBody(ctx: ServerContext, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (declared > limit) {
    ctx.set('Connection', 'close');
    return Promise.reject(ApiError.requestEntityTooLarge(limit));
  }
  const req = ctx.req;
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        ctx.set('Connection', 'close');
        // The rest is read and dropped; the connection closes after the answer.
        req.resume();
        reject(ApiError.requestEntityTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      // Closed before the end: the client went away mid-body.
      if (req.complete) return;
      done();
      reject(new Error(`the client closed the connection before the request body was complete (${size} bytes read)`));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
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

/**
 * What a repeated key gets: Strict (the default, as Kubernetes' strict decoding) refuses the body,
 * Warn accepts it with a Warning header, Ignore accepts it (the last value wins).
 */
interface Duplicates {
  readonly mode: FieldValidation;
  readonly warn?: (message: string) => void;
}

const IGNORE_DUPLICATES: Duplicates = { mode: 'Ignore' };

/** How the request's `fieldValidation` treats repeated keys (a bad value is writeQuery's to refuse). */
function duplicatesOf(ctx: ServerContext): Duplicates {
  const mode = param(ctx.query, 'fieldValidation');
  if (mode === 'Ignore') return IGNORE_DUPLICATES;
  return { mode: mode === 'Warn' ? 'Warn' : 'Strict', warn: (message) => warn(ctx, message) };
}

/** `where`: a place in the text to add, as " (line 3, column 5)". */
function duplicateField(field: string, duplicates: Duplicates, where = ''): void {
  if (duplicates.mode === 'Strict') throw ApiError.badRequest(`strict decoding error: duplicate field "${field}"${where}`);
  duplicates.warn?.(`duplicate field "${field}"${where}`);
}

function tooDeep(): ApiError {
  return ApiError.badRequest(`the request body nests objects and arrays deeper than ${MAX_BODY_DEPTH} levels`);
}

function parseJson(text: string, duplicates: Duplicates): unknown {
  // Checked on the text, before anything recursive (JSON.parse is not) touches the value.
  if (nestsTooDeep(text)) throw tooDeep();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : text.length;
    const { line, column } = lineAndColumn(text, position);
    const detail = message.replace(/ in JSON at position \d+.*$/, '');
    throw ApiError.badRequest(`the request body is not valid JSON: ${detail} (line ${line}, column ${column})`);
  }
  // Fewer keys parsed than written: an object repeats one (JSON.parse kept the last).
  if (duplicates.mode !== 'Ignore' && dropsKeys(text, value)) {
    const field = findDuplicateKey(text);
    if (field !== undefined) duplicateField(field, duplicates);
  }
  return value;
}

/** The key a YAML duplicate-key error points at, as written. */
function yamlKeyAt(text: string, position: number): string {
  const key = /^\s*(?:"([^"\n]*)"|'([^'\n]*)'|([^:\n]*?))\s*:/.exec(text.slice(position, position + 300));
  return (key?.[1] ?? key?.[2] ?? key?.[3] ?? '').trim();
}

function parseYaml(text: string, duplicates: Duplicates): unknown {
  const lineCounter = new LineCounter();
  let docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const duplicate = Array.isArray(docs) ? docs.flatMap((d) => d.errors).find((e) => e.code === 'DUPLICATE_KEY') : undefined;
  if (duplicate && docs.every((d) => d.errors.every((e) => e.code === 'DUPLICATE_KEY'))) {
    const { line, col } = lineCounter.linePos(duplicate.pos[0]);
    duplicateField(yamlKeyAt(text, duplicate.pos[0]), duplicates, ` (line ${line}, column ${col})`);
    docs = parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  }
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
  let value: unknown;
  try {
    value = list[0]!.toJS({ maxAliasCount: 100 });
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep();
    throw ApiError.badRequest(`the request body is not valid YAML: ${(err as Error).message}`);
  }
  if (measureValue(value).depth > MAX_BODY_DEPTH) throw tooDeep();
  return value;
}

/** A short quote of a body for an error message. */
function excerpt(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}...` : text;
}

/**
 * Kubernetes decodes a body by the apiVersion and kind it carries, so one without either is
 * refused before anything else, in Kubernetes' words.
 */
function requireTypeMeta(value: unknown, text: string): void {
  if (!isRecord(value)) return;
  if (value.kind === undefined || value.kind === null || value.kind === '') {
    throw ApiError.badRequest(`Object 'Kind' is missing in '${excerpt(text)}': the body must set kind`);
  }
  if (value.apiVersion === undefined || value.apiVersion === null || value.apiVersion === '') {
    throw ApiError.badRequest(`Object 'apiVersion' is missing in '${excerpt(text)}': the body must set apiVersion`);
  }
}

/** An object body (create, update, subresources) in JSON, YAML or protobuf. */
export async function readObjectBody(ctx: ServerContext, limit: number): Promise<unknown> {
  const type = mediaType(ctx.get('Content-Type'));
  const yaml = YAML_TYPES.has(type);
  const protobuf = type === PROTOBUF_MEDIA_TYPE;
  if (!yaml && !protobuf && !JSON_TYPES.has(type)) throw ApiError.unsupportedMediaType(type, OBJECT_TYPES);
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) throw ApiError.badRequest('the request body is empty; send the object as JSON or YAML');
  if (protobuf) return decodeProtobufObject(raw);
  const text = raw.toString('utf8');
  const duplicates = duplicatesOf(ctx);
  const value = yaml ? parseYaml(text, duplicates) : parseJson(text, duplicates);
  requireTypeMeta(value, text);
  return value;
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
  return { patch: parseJson(raw.toString('utf8'), duplicatesOf(ctx)), contentType: type };
}

/** An optional body (DELETE options): absent or empty is fine. */
export async function readOptionalBody(ctx: ServerContext, limit: number): Promise<unknown> {
  if (!ctx.get('Content-Length') && !ctx.get('Transfer-Encoding')) return undefined;
  const type = mediaType(ctx.get('Content-Type'));
  const raw = await readBody(ctx, limit);
  if (raw.length === 0) return undefined;
  if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(raw);
  const text = raw.toString('utf8');
  if (YAML_TYPES.has(type)) return parseYaml(text, IGNORE_DUPLICATES);
  if (!JSON_TYPES.has(type)) throw ApiError.unsupportedMediaType(type, OBJECT_TYPES);
  return parseJson(text, IGNORE_DUPLICATES);
}
