// The loop of apply, create, replace and delete -f: every object of every file in order, each
// failure printed with the file it came from, the others carried on with, exit 1 at the end.
import { ApiError } from '../../api/errors.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { CliContext } from '../context.js';
import { CliError, formatApiError, formatError, ReportedError } from './connect.js';
import { readManifests, type FileArgs } from './files.js';
import { manifestTarget, type ManifestTarget } from './manifest-target.js';

export type DryRun = 'none' | 'client' | 'server';

export const DRY_RUN_OPTION = {
  type: 'string',
  choices: ['none', 'client', 'server'],
  default: 'none',
  describe: 'client: only print what would be sent; server: have the server check it without storing',
} as const;

/** ` (dry run)`, ` (server dry run)` or '' after "created". */
export function dryRunSuffix(dryRun: DryRun | undefined): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : '';
}

/**
 * Runs `each` on every object of the `-f` sources. `verb` words the error context
 * (`error when creating "app.yaml"`).
 */
export async function forEachManifest(
  ctx: CliContext,
  client: ApiClient,
  args: FileArgs & { namespace?: string },
  verb: string,
  each: (target: ManifestTarget) => Promise<void>,
): Promise<void> {
  if (!args.filename?.length) throw new CliError('must specify one of -f and -k');
  const manifests = await readManifests(ctx, args);
  if (manifests.length === 0) throw new CliError('no objects passed to ' + verb.replace(/ing$/, ''));
  let failed = false;
  for (const manifest of manifests) {
    try {
      await each(await manifestTarget(client, manifest, args.namespace));
    } catch (err) {
      failed = true;
      const context = `error when ${verb} "${manifest.source}"`;
      if (!(err instanceof ReportedError)) ctx.stderr.write(`${err instanceof ApiError ? formatApiError(err, context) : formatError(err)}\n`);
    }
  }
  if (failed) ctx.exitCode = 1;
}
