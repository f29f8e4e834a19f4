// Semantic equality for pod templates, as Kubernetes has it: its typed objects cannot tell an
// empty map, slice or struct from an absent one, so kubectl may send `resources: {}` or `env: []`
// for a template that was stored without them (`rollout undo`, `set image`). Dropping empty
// values before comparing or hashing lets both spellings find the same ReplicaSet.

/**
 * `value` without nulls, empty objects and empty arrays, at any depth (an object left empty by
 * that is dropped too). Array elements keep their places: only their insides are pruned.
 */
export function withoutEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmpty);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const pruned = withoutEmpty(field);
    if (isEmpty(pruned)) continue;
    out[key] = pruned;
  }
  return out;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
