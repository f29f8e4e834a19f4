// `-f`: manifest files, folders (`-R` to descend), `-` for stdin, or http(s) URLs, read in the
// order given; every object keeps its source, document and line for messages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { parseManifests, type Manifest } from '../../api/manifests.js';
import type { CliContext } from '../context.js';
import { CliError } from './connect.js';

export interface FileArgs {
  filename?: string[];
  recursive?: boolean;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export function withFileFlags<T>(y: Argv<T>, purpose: string): Argv<T & FileArgs> {
  return y
    .option('filename', { alias: 'f', type: 'string', array: true, describe: `file, folder or URL with the objects ${purpose}; - for stdin` })
    .option('recursive', { alias: 'R', type: 'boolean', default: false, describe: 'descend into the folders given with -f' })
    .middleware(stdinFileArg, true) as Argv<T & FileArgs>;
}

/**
 * yargs never takes a bare `-` as an option's value: `-f -` leaves -f empty and `-` among the
 * positionals. Put it back where it belongs, before strict checking sees a stray `-`.
 */
function stdinFileArg(argv: Record<string, unknown> & { _: (string | number)[] }): void {
  const at = argv._.indexOf('-');
  const positional = Array.isArray(argv.args) ? (argv.args as unknown[]) : undefined;
  const inArgs = positional?.indexOf('-') ?? -1;
  if (at < 0 && inArgs < 0) return;
  if (at >= 0) argv._.splice(at, 1);
  if (inArgs >= 0) positional!.splice(inArgs, 1);
  const given = Array.isArray(argv.filename) ? (argv.filename as string[]).filter((f) => f !== '') : [];
  argv.filename = argv.f = [...given, '-'];
}

/** Every object of every source, in order. Throws ManifestError (naming file, document, line). */
export async function readManifests(ctx: CliContext, args: FileArgs): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const source of args.filename ?? []) {
    for (const { name, text } of await readSource(ctx, source, args.recursive ?? false)) out.push(...parseManifests(text, name));
  }
  return out;
}

async function readSource(ctx: CliContext, source: string, recursive: boolean): Promise<{ name: string; text: string }[]> {
  if (source === '-') return [{ name: 'STDIN', text: await readStream(ctx.stdin ?? process.stdin) }];
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new CliError(`unable to read URL "${source}", server reported ${res.status} ${res.statusText}`);
    return [{ name: source, text: await res.text() }];
  }
  let stat;
  try {
    stat = statSync(source);
  } catch {
    throw new CliError(`the path "${source}" does not exist`);
  }
  if (!stat.isDirectory()) return [{ name: source, text: readFileSync(source, 'utf8') }];
  return manifestFiles(source, recursive).map((file) => ({ name: file, text: readFileSync(file, 'utf8') }));
}

/** A folder's manifest files, sorted by name as kubectl visits them. */
function manifestFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...manifestFiles(path, true));
    } else if (MANIFEST_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
      out.push(path);
    }
  }
  return out;
}

export function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
  });
}
