import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ROLES, type Role } from '../roles.js';

/** Where a plugin's code was found. */
export type PluginSource =
  | { readonly kind: 'package'; readonly package: string; readonly file: string }
  | { readonly kind: 'path'; readonly file: string };

/**
 * What a plugin's package.json says about it without importing it: `"corral": { "roles": [...] }`
 * names the process roles it applies in, so processes of other roles never import its code.
 */
export interface PluginManifest {
  readonly roles?: readonly Role[];
}

export interface Resolution {
  readonly source?: PluginSource;
  /** From the package.json of the package (or directory) the source was found in, or what is wrong with it. */
  readonly manifest?: PluginManifest | string;
  /** Every place looked at, in order: the "not found" message lists them all. */
  readonly lookedAt: readonly string[];
  /** Why a place that exists could not be used (a package.json without an entry point, ...). */
  readonly notes: readonly string[];
  /** False when the name could only be a path (`./x`, `/x`). */
  readonly triedPackage: boolean;
}

// Node's ESM resolver cannot be pointed at another directory without a flag, and its errors do
// not say where it looked, so plugin names are resolved here with the same rules for the cases
// plugins use: node_modules lookup upwards, package.json "exports" (conditions import, node,
// default) or "main", or a file / directory path.
const CONDITIONS = new Set(['import', 'node', 'default']);
const BARE = /^(@[^/]+\/[^/]+|[^./@][^/]*)(\/.+)?$/;

/**
 * Resolves a plugin `name` from the config: as a package first (looked up from each of
 * `packageBases` upwards), then as a path relative to `pathBase` (the config file's directory).
 */
export function resolvePlugin(name: string, packageBases: readonly string[], pathBase: string): Resolution {
  const lookedAt: string[] = [];
  const notes: string[] = [];
  const bare = isAbsolute(name) ? null : BARE.exec(name);
  if (bare) {
    const [, pkg, sub] = bare as unknown as [string, string, string | undefined];
    for (const dir of candidateDirs(pkg, packageBases)) {
      lookedAt.push(dir);
      if (!existsSync(join(dir, 'package.json'))) continue;
      const file = packageEntry(dir, sub ? `.${sub}` : '.', notes);
      // The real path, as Node imports it (workspaces link packages into node_modules).
      if (file) {
        const manifest = readManifest(dir);
        return { source: { kind: 'package', package: name, file: realpathSync(file) }, ...(manifest ? { manifest } : {}), lookedAt, notes, triedPackage: true };
      }
    }
  }
  const path = resolve(pathBase, name);
  lookedAt.push(path);
  const file = pathEntry(path, notes);
  const manifest = file && file !== path ? readManifest(path) : undefined;
  return { source: file ? { kind: 'path', file } : undefined, ...(manifest ? { manifest } : {}), lookedAt, notes, triedPackage: bare !== null };
}

/** The `corral` field of `dir`'s package.json, or a sentence saying what is wrong with it. */
function readManifest(dir: string): PluginManifest | string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const field = (JSON.parse(readFileSync(file, 'utf8')) as { corral?: unknown }).corral;
  if (field === undefined) return undefined;
  const roles = (field as { roles?: unknown } | null)?.roles;
  const valid =
    typeof field === 'object' && field !== null && (roles === undefined || (Array.isArray(roles) && roles.length > 0 && roles.every((r) => ROLES.includes(r as Role))));
  if (!valid) return `${file}: "corral" must be an object whose "roles" (when given) lists some of ${ROLES.join(', ')}`;
  return roles === undefined ? {} : { roles: roles as Role[] };
}

function candidateDirs(pkg: string, bases: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const base of bases) {
    for (let dir = resolve(base); ; dir = dirname(dir)) {
      if (!dir.endsWith('/node_modules')) {
        const candidate = join(dir, 'node_modules', pkg);
        if (!dirs.includes(candidate)) dirs.push(candidate);
      }
      if (dirname(dir) === dir) break;
    }
  }
  return dirs;
}

function pathEntry(path: string, notes: string[]): string | undefined {
  if (!existsSync(path)) return undefined;
  if (statSync(path).isFile()) return path;
  if (existsSync(join(path, 'package.json'))) return packageEntry(path, '.', notes);
  const index = join(path, 'index.js');
  if (existsSync(index)) return index;
  notes.push(`${path} is a directory without package.json or index.js`);
  return undefined;
}

function packageEntry(dir: string, subpath: string, notes: string[]): string | undefined {
  const manifest = join(dir, 'package.json');
  let pkg: { exports?: unknown; main?: unknown };
  try {
    pkg = JSON.parse(readFileSync(manifest, 'utf8')) as typeof pkg;
  } catch (err) {
    notes.push(`${manifest} cannot be read: ${(err as Error).message}`);
    return undefined;
  }
  let target: string | undefined;
  if (pkg.exports !== undefined) {
    target = exportTarget(pkg.exports, subpath);
    if (!target) notes.push(`${manifest} "exports" has no entry for "${subpath}" under the conditions import, node or default`);
  } else {
    target = subpath === '.' ? (typeof pkg.main === 'string' ? pkg.main : 'index.js') : subpath;
  }
  if (!target) return undefined;
  const file = resolve(dir, target);
  if (existsSync(file) && statSync(file).isFile()) return file;
  notes.push(`${manifest} points at ${file}, which does not exist (is the package built?)`);
  return undefined;
}

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap =
    typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  if (isSubpathMap) return conditional((exports as Record<string, unknown>)[subpath]);
  return subpath === '.' ? conditional(exports) : undefined;
}

function conditional(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = conditional(t);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target)) {
      if (CONDITIONS.has(condition)) {
        const found = conditional(value);
        if (found) return found;
      }
    }
  }
  return undefined;
}
