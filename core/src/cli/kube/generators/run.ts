// The part every generator shares: send the built object (or not, with --dry-run=client), and
// print it as `-o` asks, or kubectl's `serviceaccount/build-bot created`.
import type { ApiObject } from '../../../api/types.js';
import type { ApiClient } from '../../../client/ApiClient.js';
import type { CliContext } from '../../context.js';
import { formatObjects, parseOutputFormat } from '../../output/printers.js';
import { withLastApplied } from '../apply.js';
import { CliError } from '../connect.js';
import { dryRunSuffix } from '../each-manifest.js';
import { objectRef } from '../targets.js';
import type { Generator, GeneratorArgs } from './types.js';

export async function runGenerator<A extends GeneratorArgs>(ctx: CliContext, client: ApiClient, generator: Generator<A>, argv: A): Promise<void> {
  const name = argv.name;
  if (!name) throw new CliError(`NAME is required: corral create ${generator.command} NAME`);
  const format = argv.output ? parseOutputFormat(argv.output, ['json', 'yaml', 'name']) : undefined;
  const built = await generator.build(name, argv, ctx);
  const object: ApiObject = structuredClone(built);
  const namespaced = generator.resource.namespaced;
  // As kubectl: the object names a namespace only when -n does; the request goes to -n or the context's.
  if (namespaced && argv.namespace) object.metadata.namespace = argv.namespace;
  const body = argv['save-config'] ? withLastApplied(object) : object;
  const dryRun = argv['dry-run'];
  let resource: { group: string; version: string; kind: string } = generator.resource;
  let result = body;
  if (dryRun !== 'client') {
    // Through discovery, so that a server without the kind says so.
    const discovered = await client.resourceFor(body);
    resource = discovered;
    const namespace = namespaced ? (argv.namespace ?? client.namespace) : undefined;
    result = await client.create(discovered, body, { namespace, dryRun: dryRun === 'server' });
  }
  const printed = { resource, object: result };
  if (format && format.type !== 'table') ctx.stdout.write(formatObjects(format, [printed], true));
  else ctx.stdout.write(`${objectRef(printed.resource, result.metadata.name ?? name)} created${dryRunSuffix(dryRun)}\n`);
}
