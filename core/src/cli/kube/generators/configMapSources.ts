// The data of `corral create configmap`, from kubectl's sources: `--from-literal=KEY=VALUE`,
// `--from-file=[KEY=]PATH` (a file, or every regular file of a folder, keyed by file name) and
// `--from-env-file=PATH` (KEY=VALUE lines). Text goes to `data`; bytes that are not UTF-8 go to
// `binaryData`, base64-encoded, as kubectl does. Every error names the flag and value it is about.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { configMapKeyProblems } from '../../../api/names.js';
import type { ConfigMap } from '../../../api/types.js';
import { CliError } from '../connect.js';

export interface ConfigMapSources {
  literals: readonly string[];
  files: readonly string[];
  envFiles: readonly string[];
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Collects keys, refusing invalid and repeated ones with where each came from. */
class ConfigMapData {
  readonly data: Record<string, string> = {};
  readonly binaryData: Record<string, string> = {};

  constructor(private readonly name: string) {}

  add(key: string, value: string | Buffer, source: string): void {
    const problems = configMapKeyProblems(key);
    if (problems.length > 0) throw new CliError(`${source}: "${key}" is not a valid ConfigMap key: ${problems.join('; ')}`);
    if (key in this.data || key in this.binaryData) {
      throw new CliError(`${source}: the key "${key}" is given twice for the ConfigMap "${this.name}"; each key may appear once`);
    }
    if (typeof value === 'string') {
      this.data[key] = value;
      return;
    }
    try {
      this.data[key] = UTF8.decode(value);
    } catch {
      this.binaryData[key] = value.toString('base64');
    }
  }
}

function addLiteral(out: ConfigMapData, literal: string): void {
  const source = `--from-literal=${literal}`;
  const eq = literal.indexOf('=');
  if (eq <= 0) throw new CliError(`${source}: expected KEY=VALUE (e.g. --from-literal=color=blue)`);
  out.add(literal.slice(0, eq), literal.slice(eq + 1), source);
}

function statOf(path: string, source: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${source}: the path "${path}" does not exist`);
    throw new CliError(`${source}: cannot read "${path}": ${(err as Error).message}`);
  }
}

function readOf(path: string, source: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CliError(`${source}: cannot read "${path}": ${(err as Error).message}`);
  }
}

function addFile(out: ConfigMapData, spec: string): void {
  const source = `--from-file=${spec}`;
  const eq = spec.indexOf('=');
  const key = eq < 0 ? undefined : spec.slice(0, eq);
  const path = eq < 0 ? spec : spec.slice(eq + 1);
  if (key === '' || path === '') throw new CliError(`${source}: expected [KEY=]PATH (e.g. --from-file=app.conf or --from-file=config=app.conf)`);
  const stat = statOf(path, source);
  if (!stat.isDirectory()) {
    out.add(key ?? basename(path), readOf(path, source), source);
    return;
  }
  if (key !== undefined) throw new CliError(`${source}: a key can only be given for a file, and "${path}" is a folder`);
  // As kubectl: the folder's regular files, by name; folders and links in it are left out.
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.isFile()) out.add(entry.name, readOf(join(path, entry.name), source), source);
  }
}

function addEnvFile(out: ConfigMapData, path: string, env: Readonly<Record<string, string | undefined>>): void {
  const source = `--from-env-file=${path}`;
  if (statOf(path, source).isDirectory()) throw new CliError(`${source}: "${path}" is a folder; give a file of KEY=VALUE lines`);
  const lines = readOf(path, source).toString('utf8').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const at = `${path}:${i + 1}`;
    const eq = line.indexOf('=');
    // A bare KEY takes its value from the environment, and is left out when it is not set there.
    if (eq < 0) {
      const value = env[line.trimEnd()];
      if (value !== undefined) out.add(line.trimEnd(), value, at);
      return;
    }
    if (eq === 0) throw new CliError(`${at}: expected KEY=VALUE, the line has no key`);
    out.add(line.slice(0, eq), line.slice(eq + 1), at);
  });
}

/** The ConfigMap `name` holding every source, in the order kubectl reads them. */
export function configMapFromSources(name: string, sources: ConfigMapSources, env: Readonly<Record<string, string | undefined>> = {}): ConfigMap {
  const out = new ConfigMapData(name);
  for (const file of sources.files) addFile(out, file);
  for (const literal of sources.literals) addLiteral(out, literal);
  for (const envFile of sources.envFiles) addEnvFile(out, envFile, env);
  const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } };
  if (Object.keys(out.data).length > 0) cm.data = out.data;
  if (Object.keys(out.binaryData).length > 0) cm.binaryData = out.binaryData;
  return cm;
}
