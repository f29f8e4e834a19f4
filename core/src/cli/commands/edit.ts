import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { parse } from 'yaml';
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { twoWayMergePatch, supportsStrategicMerge } from '../../server/patch/index.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, formatApiError, ReportedError, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { forEachObject, type NamedObject } from '../kube/each-object.js';
import { objectRef } from '../kube/targets.js';
import { toJson, toYaml } from '../output/printers.js';

interface EditArgs extends ClientArgs {
  args: string[];
  output: 'yaml' | 'json';
}

const HEADER = [
  '# Edit the object below and save to apply it. Lines starting with "#" are ignored;',
  '# saving an empty file cancels. If the change cannot be saved, this file opens again',
  '# with the reason at the top.',
  '#',
];

/** `corral edit TYPE NAME`: edit the live object in $KUBE_EDITOR or $EDITOR and apply the change. */
export function editCommand(ctx: CliContext): CommandModule<GlobalArgs, EditArgs> {
  return {
    command: 'edit <args..>',
    describe: 'Edit a resource in your editor ($KUBE_EDITOR, $EDITOR, else vi)',
    builder: (y) =>
      withClientFlags(y)
        .positional('args', { type: 'string', array: true, describe: 'TYPE NAME or TYPE/NAME' })
        .option('output', { alias: 'o', choices: ['yaml', 'json'] as const, default: 'yaml' as const, describe: 'the format to edit in' }) as Argv<EditArgs>,
    handler: clientHandler<EditArgs>(ctx, async (argv, client) => {
      await forEachObject(ctx, client, argv.args, argv, (target) => editOne(ctx, client, target, argv.output));
    }),
  };
}

async function editOne(ctx: CliContext, client: ApiClient, target: NamedObject, format: 'yaml' | 'json'): Promise<void> {
  const original = await client.get(target.resource, target.name, { namespace: target.namespace });
  const ref = objectRef(target.resource, target.name);
  const dir = mkdtempSync(join(tmpdir(), 'corral-edit-'));
  const file = join(dir, `${target.name}.${format}`);
  const body = format === 'json' ? toJson(original) : toYaml(original);
  let keep = false;
  try {
    let text = [...HEADER, body].join('\n');
    let lastFailed: string | undefined;
    for (;;) {
      writeFileSync(file, text);
      await runEditor(ctx, file);
      const edited = stripComments(readFileSync(file, 'utf8'));
      if (edited.trim() === '') {
        ctx.stderr.write('Edit cancelled, saved file was empty.\n');
        return;
      }
      if (edited === stripComments(body)) {
        if (lastFailed === undefined) ctx.stderr.write('Edit cancelled, no changes made.\n');
        else {
          keep = true;
          ctx.stderr.write(`error: Edit cancelled, no valid changes were saved.\nA copy of your changes has been stored to "${file}"\n`);
          throw new ReportedError('edit cancelled');
        }
        return;
      }
      if (edited === lastFailed) {
        keep = true;
        ctx.stderr.write(`error: Edit cancelled, no valid changes were saved.\nA copy of your changes has been stored to "${file}"\n`);
        throw new ReportedError('edit cancelled');
      }
      const problem = await tryApply(client, target, original, edited);
      if (problem === undefined) {
        ctx.stdout.write(`${ref} edited\n`);
        return;
      }
      if (problem === 'unchanged') {
        ctx.stderr.write('Edit cancelled, no changes made.\n');
        return;
      }
      lastFailed = edited;
      text = [...HEADER, ...problem.split('\n').map((l) => `# ${l}`.trimEnd()), '#', edited].join('\n');
    }
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Parses and sends the edit; returns undefined when saved, 'unchanged', or the problem to show. */
async function tryApply(client: ApiClient, target: NamedObject, original: ApiObject, text: string): Promise<string | 'unchanged' | undefined> {
  let edited: ApiObject;
  try {
    edited = parse(text) as ApiObject;
  } catch (err) {
    return `The edited file had a syntax error: ${(err as Error).message.split('\n')[0]}`;
  }
  if (!edited || typeof edited !== 'object' || Array.isArray(edited)) return 'The edited file must hold one object.';
  const same = (a: unknown, b: unknown): boolean => a === b;
  if (!same(edited.apiVersion, original.apiVersion) || !same(edited.kind, original.kind) || !same(edited.metadata?.name, original.metadata.name)) {
    return 'At least one of apiVersion, kind and name was changed; those cannot be edited.';
  }
  const kind = target.resource.kind;
  const patch = twoWayMergePatch(kind, original, edited);
  if (Object.keys(patch).length === 0) return 'unchanged';
  // Saving on top of a newer object would undo someone else's change: make the patch conditional.
  const metadata = (patch.metadata ?? {}) as Record<string, unknown>;
  patch.metadata = { ...metadata, resourceVersion: original.metadata.resourceVersion ?? null };
  try {
    await client.patch(target.resource, target.name, patch, supportsStrategicMerge(kind) ? 'strategic' : 'merge', { namespace: target.namespace });
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const causes = err.causes.map((c) => `* ${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`);
    return causes.length > 0 ? `${objectRef(target.resource, target.name)} was not valid:\n${causes.join('\n')}` : formatApiError(err);
  }
}

function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .replace(/^\n+/, '');
}

function runEditor(ctx: CliContext, file: string): Promise<void> {
  const editor = ctx.env.KUBE_EDITOR || ctx.env.EDITOR || 'vi';
  return new Promise((resolve, reject) => {
    // Through the shell: $EDITOR may carry arguments ("code --wait").
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env: { ...process.env, ...ctx.env } });
    child.once('error', (err) => reject(new CliError(`cannot run the editor "${editor}": ${err.message}`)));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new CliError(`the editor "${editor}" exited with ${code}`))));
  });
}
