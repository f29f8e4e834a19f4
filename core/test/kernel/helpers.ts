import type { ExecutionContext } from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type ConfigProblem } from '../../src/kernel/index.js';

/** A temporary directory for one test, removed when the test ends. */
export class Scratch {
  private constructor(readonly dir: string) {}

  static async create(t: ExecutionContext): Promise<Scratch> {
    const dir = await mkdtemp(join(tmpdir(), 'corral-kernel-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    return new Scratch(dir);
  }

  /** Writes `text` at `rel` (parents created); returns the absolute path. */
  async write(rel: string, text: string): Promise<string> {
    const file = join(this.dir, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
    return file;
  }

  /** A minimal default config (no built-in plugins) plus `body`, as the test's defaults. */
  async defaults(body = ''): Promise<string> {
    return this.write('defaults/default-config.yaml', `${HEADER}${body}`);
  }

  /** A user config: the header plus `body`. */
  async config(body: string, rel = 'corral.yaml'): Promise<string> {
    return this.write(rel, `${HEADER}${body}`);
  }
}

export const HEADER = 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\n';

/** A plugin module (ESM) whose apply records its name in globalThis.__applied, then runs `body`. */
export function pluginSource(name: string, body = '', extra = ''): string {
  return `${extra}
export default {
  name: ${JSON.stringify(name)},
  apply(corral, options) {
    (globalThis.__applied ??= []).push(${JSON.stringify(name)});
    ${body}
  },
};
`;
}

/** Runs `fn`, which must throw a ConfigError; returns its problems. */
export async function problemsOf(t: ExecutionContext, fn: () => Promise<unknown>): Promise<readonly ConfigProblem[]> {
  const err = await t.throwsAsync(fn, { instanceOf: ConfigError });
  return err?.problems ?? [];
}

/** An import line for joi that works from a plugin written to a temporary directory. */
export const IMPORT_JOI = `import Joi from ${JSON.stringify(pathToFileURL(createRequire(import.meta.url).resolve('joi')).href)};`;
