import type { Argv, CommandModule } from 'yargs';
import type { Deployment } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { forEachObject, type NamedObject } from '../kube/each-object.js';
import {
  annotationsAfterUndo,
  CHANGE_CAUSE_ANNOTATION,
  deploymentStatus,
  ownedReplicaSets,
  replicaSetForRevision,
  RESTARTED_AT_ANNOTATION,
  revisionOf,
  sameTemplate,
  templateOf,
} from '../kube/rollout.js';
import { objectRef } from '../kube/targets.js';
import { describeTemplate } from '../describe/common.js';
import { DescribeWriter } from '../describe/writer.js';
import { alignTabs } from '../output/tabwriter.js';

interface RolloutArgs extends ClientArgs {
  args: string[];
  selector?: string;
  revision?: number;
  'to-revision'?: number;
  watch?: boolean;
  timeout?: string;
}

type Action = (ctx: CliContext, client: ApiClient, d: Deployment, target: NamedObject, argv: RolloutArgs) => Promise<void>;

/** `corral rollout status|history|undo|pause|resume|restart`, for Deployments. */
export function rolloutCommand(ctx: CliContext): CommandModule<GlobalArgs, any> {
  const sub = (name: string, describe: string, action: Action, extra: (y: Argv<RolloutArgs>) => Argv<RolloutArgs> = (y) => y): CommandModule<GlobalArgs, RolloutArgs> => ({
    command: `${name} <args..>`,
    describe,
    builder: (y) =>
      extra(
        withClientFlags(y)
          .positional('args', { type: 'string', array: true, describe: 'TYPE NAME or TYPE/NAME' })
          .option('selector', { alias: 'l', type: 'string', describe: 'the deployments matching this label selector' }) as Argv<RolloutArgs>,
      ),
    handler: clientHandler<RolloutArgs>(ctx, async (argv, client) => {
      await forEachObject(ctx, client, argv.args, argv, async (target) => {
        const d = await client.get<Deployment>(target.resource, target.name, { namespace: target.namespace });
        await action(ctx, client, d, target, argv);
      }, ['Deployment']);
    }),
  });
  return {
    command: 'rollout',
    describe: 'Manage the rollout of deployments',
    builder: (y) =>
      y
        .command(
          sub('status', 'Show the status of the rollout, waiting until it is done', status, (y) =>
            y
              .option('watch', { alias: 'w', type: 'boolean', default: true, describe: 'wait until the rollout is done' })
              .option('timeout', { type: 'string', default: '0s', describe: 'give up after this long (0: never)' })
              .option('revision', { type: 'number', describe: 'require this revision to be the one rolled out' }),
          ),
        )
        .command(sub('history', 'View the revisions of a rollout', history, (y) => y.option('revision', { type: 'number', describe: 'show the pod template of this revision' })))
        .command(sub('undo', 'Roll back to a previous revision', undo, (y) => y.option('to-revision', { type: 'number', default: 0, describe: 'the revision to go back to; 0: the previous one' })))
        .command(sub('pause', 'Mark deployments as paused: template changes start no rollout', pause))
        .command(sub('resume', 'Resume paused deployments', resume))
        .command(sub('restart', 'Restart the pods of deployments with a new rollout', restart))
        .demandCommand(1, 'name a rollout command: status, history, undo, pause, resume or restart'),
    handler: () => undefined,
  };
}

const status: Action = async (ctx, client, d, target, argv) => {
  if (argv.revision !== undefined && revisionOf(d) !== argv.revision) {
    throw new CliError(`desired revision (${argv.revision}) is different from the running revision (${revisionOf(d) ?? 'none'})`);
  }
  let last = '';
  const report = (obj: Deployment): boolean => {
    const s = deploymentStatus(obj);
    if (s.message !== last) ctx.stdout.write(`${s.message}\n`);
    last = s.message;
    return s.done;
  };
  if (report(d) || argv.watch === false) return;
  const timeoutMs = parseDuration(argv.timeout ?? '0s', 'timeout');
  const abort = new AbortController();
  let timedOut = false;
  const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), abort.abort()), timeoutMs) : undefined;
  const watch = client.watch<Deployment>(target.resource, {
    namespace: target.namespace,
    fieldSelector: `metadata.name=${target.name}`,
    resourceVersion: d.metadata.resourceVersion,
    signal: abort.signal,
  });
  try {
    for await (const event of watch) {
      if (event.type === 'DELETED') throw new CliError(`deployment "${target.name}" was deleted while waiting for its rollout`);
      if (report(event.object)) return;
    }
    if (timedOut) throw new CliError('timed out waiting for the condition');
  } finally {
    clearTimeout(timer);
    watch.stop();
  }
};

const history: Action = async (ctx, client, d, target, argv) => {
  const sets = await ownedReplicaSets(client, d);
  const ref = objectRef(target.resource, target.name);
  if (argv.revision !== undefined && argv.revision > 0) {
    const rs = replicaSetForRevision(sets, d, argv.revision);
    const w = new DescribeWriter();
    describeTemplate(w, 0, rs.spec.template);
    ctx.stdout.write(`${ref} with revision #${argv.revision}\n${w.toString()}`);
    return;
  }
  const revisions = sets.filter((rs) => revisionOf(rs) !== undefined);
  if (revisions.length === 0) {
    ctx.stdout.write(`${ref} \nNo rollout history found.\n`);
    return;
  }
  // kubectl's layout: the name with a trailing space, a two-space aligned table, a blank line.
  const rows = revisions.map((rs) => `${revisionOf(rs)}\t${rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '<none>'}`);
  ctx.stdout.write(`${ref} \n${alignTabs(['REVISION\tCHANGE-CAUSE', ...rows].join('\n'))}\n\n`);
};

const undo: Action = async (ctx, client, d, target, argv) => {
  if (d.spec.paused) {
    throw new CliError(`you cannot rollback a paused deployment; resume it first with 'corral rollout resume ${objectRef(target.resource, target.name)}' and try again`);
  }
  const sets = await ownedReplicaSets(client, d);
  const rs = replicaSetForRevision(sets, d, argv['to-revision'] ?? 0);
  const ref = objectRef(target.resource, target.name);
  if (sameTemplate(d.spec.template, rs.spec.template)) {
    ctx.stdout.write(`${ref} skipped rollback (current template already matches revision ${revisionOf(rs)})\n`);
    return;
  }
  // A JSON patch replaces the template whole: a merge would keep containers the old one lacks.
  const patch = [
    { op: 'replace', path: '/spec/template', value: templateOf(rs) },
    { op: 'replace', path: '/metadata/annotations', value: annotationsAfterUndo(d, rs) },
  ];
  await client.patch(target.resource, target.name, patch, 'json', { namespace: target.namespace });
  ctx.stdout.write(`${ref} rolled back\n`);
};

const pause: Action = async (ctx, client, d, target) => {
  if (d.spec.paused) throw new CliError(`${target.resource.name}.${target.resource.group} "${target.name}" is already paused`);
  await client.patch(target.resource, target.name, { spec: { paused: true } }, 'merge', { namespace: target.namespace });
  ctx.stdout.write(`${objectRef(target.resource, target.name)} paused\n`);
};

const resume: Action = async (ctx, client, d, target) => {
  if (!d.spec.paused) throw new CliError(`${target.resource.name}.${target.resource.group} "${target.name}" is not paused`);
  await client.patch(target.resource, target.name, { spec: { paused: null } }, 'merge', { namespace: target.namespace });
  ctx.stdout.write(`${objectRef(target.resource, target.name)} resumed\n`);
};

const restart: Action = async (ctx, client, d, target) => {
  if (d.spec.paused) throw new CliError(`can't restart paused deployment (run rollout resume first)`);
  const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } } };
  await client.patch(target.resource, target.name, patch, 'strategic', { namespace: target.namespace });
  ctx.stdout.write(`${objectRef(target.resource, target.name)} restarted\n`);
};
