// Variations of a valid object, one change each, at every place in it: the wrong type, a value
// out of range or of the wrong syntax, an unknown field, a field removed, an array emptied or
// given a hole. What a client gets wrong, and what a validator must not let through.

type Path = readonly (string | number)[];

export interface Mutation {
  value: unknown;
  what: string;
}

/** Values put in place of any field. */
const REPLACEMENTS: readonly unknown[] = [
  null, '', 'x', 'Bad Name!', ' padded ', 'a'.repeat(300), '-', 0, -1, 1.5, 70_000, 2 ** 60, Number.NaN, Infinity,
  true, [], ['x'], {}, { unknownField: 1 }, '100m', '1Gi', '12 cats', '2026-11-23T19:00:00Z', 'yesterday', 'None',
  'TCP', 'Always', 'In', '10.96.0.10', 'linux/amd64',
];

function pathsOf(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) pathsOf(child, [...path, key], out);
  return out;
}

/** A copy of `root` with `change` applied to the container of `path`'s last step. */
function edit(root: unknown, path: Path, change: (parent: Record<string | number, unknown>, key: string | number) => void): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]!);
  return copy;
}

function label(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '(root)';
}

/**
 * Every place gets `perPlace` of the replacements, a different few at each place (all of them
 * when `perPlace` is large enough), so that a large object stays affordable to go through.
 */
export function* mutations(root: unknown, perPlace = REPLACEMENTS.length): Generator<Mutation> {
  let turn = 0;
  for (const path of pathsOf(root)) {
    const at = label(path);
    if (path.length > 0) {
      const chosen = Array.from({ length: Math.min(perPlace, REPLACEMENTS.length) }, () => REPLACEMENTS[turn++ % REPLACEMENTS.length]);
      for (const replacement of chosen) {
        yield { value: edit(root, path, (p, k) => (p[k] = structuredClone(replacement))), what: `${at} = ${JSON.stringify(replacement)}` };
      }
      yield { value: edit(root, path, (p, k) => (Array.isArray(p) ? (p[k as number] = undefined) : delete p[k])), what: `${at} removed` };
    }
    const here = path.reduce<unknown>((v, step) => (v as Record<string | number, unknown>)[step], root);
    if (Array.isArray(here)) {
      yield { value: edit(root, [...path, 0], (p) => (p as unknown as unknown[]).push(structuredClone(here[0]))), what: `${at} with its first item again` };
      yield { value: edit(root, [...path, 0], (p) => ((p as unknown as unknown[]).length += 1)), what: `${at} with a hole` };
    } else if (typeof here === 'object' && here !== null) {
      for (const key of ['unknownField', '', 'constructor', '__proto__']) {
        yield {
          value: edit(root, [...path, key], (p, k) => Object.defineProperty(p, k, { value: 'x', enumerable: true, configurable: true, writable: true })),
          what: `${at} with a key ${JSON.stringify(key)}`,
        };
      }
    }
  }
}
