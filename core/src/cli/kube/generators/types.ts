// What a `corral create <generator>` subcommand is: a kind, how to build its object from the
// command line, and the flags it adds. The shared part (dry run, -o, the request) lives in run.ts.
import type { Argv } from 'yargs';
import type { ApiObject } from '../../../api/types.js';
import type { ResourceRef } from '../../../client/discovery.js';
import type { CliContext } from '../../context.js';
import type { ClientArgs } from '../connect.js';
import type { DryRun } from '../each-manifest.js';

/** The arguments every generator gets: the object's name and the create flags. */
export interface GeneratorArgs extends ClientArgs {
  /** Absent when not typed: the runner refuses that with the command's usage. */
  name?: string;
  'dry-run': DryRun;
  'save-config': boolean;
  output?: string;
}

export interface Generator<A extends GeneratorArgs = GeneratorArgs> {
  /** The subcommand, as typed: `serviceaccount`. */
  readonly command: string;
  readonly aliases: readonly string[];
  readonly describe: string;
  /** Where objects of the kind go; used without asking the server for `--dry-run=client`. */
  readonly resource: ResourceRef & { kind: string; plural: string };
  /** The generator's own flags. */
  flags?(y: Argv<GeneratorArgs>): Argv<A>;
  /** The object to create (without a namespace: the runner sets it). Throws CliError on bad input. */
  build(name: string, argv: A, ctx: CliContext): ApiObject | Promise<ApiObject>;
}
