// Reading manifest files: multi-document YAML (JSON is YAML too), `kind: List` unpacked, every
// problem located by source, document, line and column so a person can find it.
import { isMap, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { isRecord } from './objects.js';
import type { ApiObject } from './types.js';

export interface Manifest {
  object: ApiObject;
  /** The file name or other label the text came from. */
  source: string;
  /** 1-based number of the YAML document within the source. */
  document: number;
  /** 1-based line and column where the object starts. */
  line: number;
  column: number;
}

export interface ManifestProblem {
  source: string;
  document: number;
  line: number;
  column: number;
  message: string;
}

function formatProblem(p: ManifestProblem): string {
  return `${p.source}: document ${p.document}, line ${p.line}, column ${p.column}: ${p.message}`;
}

/** Every problem found in a source; the message lists them all, each with its place. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

const MAX_ALIASES = 100;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/**
 * Parses YAML or JSON text holding one or more objects. A document that is a `kind: List` (or a
 * bare list) yields its items. Empty documents are skipped. Throws ManifestError naming `source`,
 * the document, line and column of each problem.
 */
export function parseManifests(text: string, source: string): Manifest[] {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, merge: true });
  const documents: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const manifests: Manifest[] = [];
  const problems: ManifestProblem[] = [];
  const at = (document: number, offset: number, message: string): void => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ source, document, line, column: col, message });
  };

  documents.forEach((doc, i) => {
    const document = i + 1;
    if (doc.errors.length > 0) {
      for (const error of doc.errors) at(document, error.pos[0], error.message.split('\n')[0]!);
      return;
    }
    if (doc.contents === null) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      at(document, doc.range[0], (error as Error).message);
      return;
    }
    // A document of only comments or an empty `---` section holds nothing to apply.
    if (value === null || value === undefined) return;
    const entries: { value: unknown; node: YamlNode }[] = [];
    const root = doc.contents as YamlNode;
    if (isSeq(root)) {
      root.items.forEach((node, j) => entries.push({ value: (value as unknown[])[j], node: node as YamlNode }));
    } else if (isRecord(value) && value.kind === 'List' && isMap(root) && Array.isArray(value.items)) {
      const itemsNode = root.get('items', true);
      const items = isSeq(itemsNode) ? itemsNode.items : [];
      value.items.forEach((item, j) => entries.push({ value: item, node: (items[j] as YamlNode | undefined) ?? root }));
    } else {
      entries.push({ value, node: root });
    }
    for (const entry of entries) {
      const offset = entry.node.range?.[0] ?? doc.range[0];
      if (!isRecord(entry.value)) {
        at(document, offset, `expected an object with apiVersion and kind, found ${describeValue(entry.value)}`);
        continue;
      }
      const missing = ['apiVersion', 'kind'].filter((k) => typeof (entry.value as Record<string, unknown>)[k] !== 'string');
      if (missing.length > 0) {
        at(document, offset, `the object has no ${missing.map((k) => `'${k}'`).join(' or ')}`);
        continue;
      }
      const { line, col } = lineCounter.linePos(offset);
      const object = entry.value as ApiObject;
      manifests.push({ object, source, document, line, column: col });
    }
  });
  if (problems.length > 0) throw new ManifestError(problems);
  return manifests;
}
