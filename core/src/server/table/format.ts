// Small formatters shared by the printers, each matching what kubectl shows.

import type { Container, LabelSelector, ObjectMeta } from '../../api/index.js';
import type { TableColumnDefinition } from './types.js';

export const NONE = '<none>';

/** A column; the name column gets format 'name', priority 1 marks a wide-only column. */
export function column(
  name: string,
  description: string,
  options: { type?: string; format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type: options.type ?? 'string', format: options.format ?? '', description, priority: options.priority ?? 0 };
}

export const nameColumn = column('Name', "The object's name, unique among objects of its kind in its namespace.", {
  format: 'name',
});
export const ageColumn = column('Age', 'How long ago the object was created (metadata.creationTimestamp).');
export const wide = { priority: 1 } as const;

/** `a=1,b=2`, keys sorted; `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? NONE : keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** A label selector in the `kubectl get -l` syntax, requirements sorted by key; '' when empty. */
export function selectorString(selector: LabelSelector | undefined): string {
  const parts: [string, string][] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) parts.push([key, `${key}=${value}`]);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const list = [...values].sort().join(',');
    const text =
      operator === 'In' ? `${key} in (${list})` :
      operator === 'NotIn' ? `${key} notin (${list})` :
      operator === 'Exists' ? key : `!${key}`;
    parts.push([key, text]);
  }
  return parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, text]) => text).join(',');
}

/** A label selector for a column: `<none>` when it selects by nothing. */
export function formatSelector(selector: LabelSelector | undefined): string {
  return selectorString(selector) || NONE;
}

/** The CONTAINERS and IMAGES cells of a pod template: comma-separated, in order. */
export function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** host:port, with an IPv6 host in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function nameOf(meta: ObjectMeta | undefined): string {
  return meta?.name ?? '';
}
