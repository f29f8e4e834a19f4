// `-o` formats other than tables: yaml, json, name, jsonpath=..., custom-columns=..., as
// kubectl prints them.
import { stringify } from 'yaml';
import type { ApiObject } from '../../api/types.js';
import { kindPrefix, type ApiResource } from '../../client/discovery.js';
import { renderTable } from '../../server/table/render.js';
import { CliError } from '../kube/connect.js';
import { JsonPathTemplate, relaxedJsonPath } from './jsonpath.js';

export type OutputFormat =
  | { type: 'table'; wide: boolean }
  | { type: 'yaml' | 'json' | 'name' }
  | { type: 'jsonpath'; template: JsonPathTemplate }
  | { type: 'custom-columns'; columns: { header: string; path: JsonPathTemplate }[] };

export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'wide', 'jsonpath=...', 'custom-columns=...'];

/** `-o` as given; undefined is the default table. */
export function parseOutputFormat(output: string | undefined, allowed: readonly string[] = ['wide', 'yaml', 'json', 'name', 'jsonpath', 'custom-columns']): OutputFormat {
  if (output === undefined || output === '') return { type: 'table', wide: false };
  const eq = output.indexOf('=');
  const name = eq < 0 ? output : output.slice(0, eq);
  const arg = eq < 0 ? '' : output.slice(eq + 1);
  if (!allowed.includes(name)) {
    throw new CliError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${allowed.map((a) => (a === 'jsonpath' || a === 'custom-columns' ? `${a}=...` : a)).join(',')}`);
  }
  switch (name) {
    case 'wide':
      return { type: 'table', wide: true };
    case 'yaml':
    case 'json':
    case 'name':
      return { type: name };
    case 'jsonpath':
      if (!arg) throw new CliError('template format specified but no template given: -o jsonpath=TEMPLATE');
      return { type: 'jsonpath', template: new JsonPathTemplate(arg) };
    default:
      return { type: 'custom-columns', columns: parseCustomColumns(arg) };
  }
}

/** `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): { header: string; path: JsonPathTemplate }[] {
  if (!spec) throw new CliError('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) {
      throw new CliError(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    }
    return { header: part.slice(0, colon), path: new JsonPathTemplate(relaxedJsonPath(part.slice(colon + 1))) };
  });
}

/** An object with the resource it came from (for `kind.group/name` and filling in apiVersion/kind). */
export interface Printed {
  resource: Pick<ApiResource, 'kind' | 'group' | 'version'>;
  object: ApiObject;
}

/** Fills apiVersion and kind in list items, which servers may leave out. */
export function withTypeMeta({ resource, object }: Printed): ApiObject {
  if (object.apiVersion && object.kind) return object;
  return { apiVersion: resource.group ? `${resource.group}/${resource.version}` : resource.version, kind: resource.kind, ...object };
}

/**
 * Prints objects in a non-table format. `single` (one object asked for by name) prints the
 * object itself; otherwise yaml, json and jsonpath see a `kind: List`.
 */
export function formatObjects(format: Exclude<OutputFormat, { type: 'table' }>, items: readonly Printed[], single: boolean): string {
  const objects = items.map(withTypeMeta);
  const subject: unknown = single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  switch (format.type) {
    case 'yaml':
      return toYaml(subject);
    case 'json':
      return toJson(subject);
    case 'name':
      return items.map((p) => `${kindPrefix(p.resource)}/${p.object.metadata.name}\n`).join('');
    case 'jsonpath':
      return format.template.execute(subject);
    case 'custom-columns':
      return customColumns(format.columns, objects, false);
  }
}

/** YAML as kubectl writes it: keys sorted, list items not indented, no line folding. */
export function toYaml(value: unknown): string {
  // YAML 1.1 quotes what 1.1 readers would take for dates or booleans, as kubectl's output does.
  return stringify(value, { version: '1.1', indentSeq: false, lineWidth: 0, minContentWidth: 0, sortMapEntries: true });
}

/** JSON as kubectl writes it: keys sorted, four-space indent. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 4)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const rec = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(rec).sort().map((k) => [k, sortKeys(rec[k])]));
}

export function customColumns(columns: { header: string; path: JsonPathTemplate }[], objects: readonly ApiObject[], noHeaders: boolean): string {
  const rows = objects.map((obj) => ({
    cells: columns.map((c) => {
      const values = c.path.values(obj);
      return values.length === 0 ? '<none>' : values.map(goValue).join(',');
    }),
  }));
  // The header goes in as a row: renderTable would upper-case it, custom headers stay as typed.
  if (!noHeaders && rows.length > 0) rows.unshift({ cells: columns.map((c) => c.header) });
  const definitions = columns.map((c) => ({ name: c.header, type: 'string', format: '', description: '', priority: 0 }));
  return renderTable({ apiVersion: 'meta.k8s.io/v1', kind: 'Table', metadata: {}, columnDefinitions: definitions, rows }, { noHeaders: true });
}

/** A value as Go's `%v` prints it: maps as `map[k:v]`, lists as `[a b]`. */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValue).join(' ')}]`;
  if (typeof value === 'object') {
    const rec = value as Record<string, unknown>;
    return `map[${Object.keys(rec).sort().map((k) => `${k}:${goValue(rec[k])}`).join(' ')}]`;
  }
  return String(value);
}
