// `corral rolling-update OLD -f new-rc.yaml | --image=IMG`: the ReplicationController rolling
// update of kubectl 1.x, done from the client through the API. A new RC starts at 0 and grows one
// pod at a time while the old one shrinks, never below the desired count of ready pods and never
// more than one above it; then the old RC goes, and the new one takes the old name when the two
// names clash. Progress lives in annotations on both RCs, so running the same command again after
// an interruption continues where it stopped, and `--rollback` walks a stuck update back.
import { createHash } from 'node:crypto';
import type { Argv, CommandModule } from 'yargs';
import { ApiError } from '../../api/errors.js';
import type { Pod, PodTemplateSpec, ReplicationController } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ResourceRef } from '../../client/discovery.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { parseDuration } from '../duration.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { readManifests, withFileFlags, type FileArgs } from '../kube/files.js';

const RCS: ResourceRef = { group: '', version: 'v1', plural: 'replicationcontrollers', namespaced: true, kind: 'ReplicationController' };
const PODS: ResourceRef = { group: '', version: 'v1', plural: 'pods', namespaced: true, kind: 'Pod' };

// kubectl's annotation names, so either tool can pick up the other's interrupted update.
export const SOURCE_ID_ANNOTATION = 'kubectl.kubernetes.io/update-source-id';
export const DESIRED_REPLICAS_ANNOTATION = 'kubectl.kubernetes.io/desired-replicas';
export const ORIGINAL_REPLICAS_ANNOTATION = 'kubectl.kubernetes.io/original-replicas';
const ROLLING_ANNOTATIONS = [SOURCE_ID_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, ORIGINAL_REPLICAS_ANNOTATION];

interface RollingUpdateArgs extends ClientArgs, FileArgs {
  old: string;
  new?: string;
  image?: string;
  container?: string;
  'deployment-label-key': string;
  'update-period': string;
  'poll-interval': string;
  timeout: string;
  rollback: boolean;
}

interface Timing {
  periodMs: number;
  pollMs: number;
  timeoutMs: number;
}

/** `corral rolling-update`. */
export function rollingUpdateCommand(ctx: CliContext): CommandModule<GlobalArgs, RollingUpdateArgs> {
  return {
    command: 'rolling-update <old> [new]',
    describe: 'Replace the pods of a replication controller one at a time with those of a new one',
    builder: (y) =>
      withFileFlags(withClientFlags(y), 'of the new replication controller')
        .positional('old', { type: 'string', demandOption: true, describe: 'the replication controller to replace' })
        .positional('new', { type: 'string', describe: 'with --image: the new controller\'s name (default: the old one\'s)' })
        .option('image', { type: 'string', describe: 'make the new controller from the old one with this image' })
        .option('container', { type: 'string', describe: 'with --image: the container to change (needed when there are several)' })
        .option('deployment-label-key', { type: 'string', default: 'deployment', describe: 'with --image: the label that tells the old pods from the new' })
        .option('update-period', { type: 'string', default: '1m0s', describe: 'how long to wait between steps' })
        .option('poll-interval', { type: 'string', default: '3s', describe: 'how often to look at the controllers while waiting' })
        .option('timeout', { type: 'string', default: '5m0s', describe: 'give up when one step takes longer than this' })
        .option('rollback', { type: 'boolean', default: false, describe: 'abort an update in progress: bring OLD back and remove the new controller' }) as Argv<RollingUpdateArgs>,
    handler: clientHandler<RollingUpdateArgs>(ctx, async (argv, client) => {
      const timing: Timing = {
        periodMs: parseDuration(argv['update-period'], 'update-period'),
        pollMs: Math.max(10, parseDuration(argv['poll-interval'], 'poll-interval')),
        timeoutMs: parseDuration(argv.timeout, 'timeout'),
      };
      const namespace = argv.namespace ?? client.namespace;
      const hasFile = (argv.filename ?? []).length > 0;
      if (hasFile === Boolean(argv.image)) throw new CliError('give the new controller with -f FILE or --image=IMAGE (one of them)');
      const updater = new RollingUpdater(ctx, client, namespace, timing);
      await updater.run(argv, hasFile);
    }),
  };
}

/** A short stable hash of a template (keys sorted), for names and the deployment label. */
function templateHash(template: PodTemplateSpec | undefined): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return createHash('sha256').update(JSON.stringify(sort(template ?? {}))).digest('hex').slice(0, 10);
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The controllers write status all the time: a write that lost the race is simply made again. */
async function retryOnConflict<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 409 && err.reason === 'Conflict') || attempt >= 10) throw err;
      await sleep(20 * (attempt + 1));
    }
  }
}

class RollingUpdater {
  constructor(
    private readonly ctx: CliContext,
    private readonly client: ApiClient,
    private readonly namespace: string,
    private readonly timing: Timing,
  ) {}

  private say(text: string): void {
    this.ctx.stdout.write(`${text}\n`);
  }

  private async find(name: string): Promise<ReplicationController | undefined> {
    try {
      return await this.client.get<ReplicationController>(RCS, name, { namespace: this.namespace });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined;
      throw err;
    }
  }

  async run(argv: RollingUpdateArgs, fromFile: boolean): Promise<void> {
    const oldName = argv.old;
    let old = await this.find(oldName);
    const planned = fromFile ? await this.fromFile(argv, old) : await this.fromImage(argv, old);
    const { finalName } = planned;
    // The new controller works under another name while the old one exists.
    const workName = finalName === oldName ? `${oldName}-${templateHash(planned.template)}` : finalName;
    let next = await this.find(workName);
    if (next && next.metadata.annotations?.[SOURCE_ID_ANNOTATION]?.split(':')[0] !== oldName) {
      throw new CliError(`replication controller "${workName}" exists and is not the target of a rolling update of "${oldName}"`);
    }

    if (argv.rollback) {
      if (!next) throw new CliError(`there is no rolling update of "${oldName}" to roll back: "${workName}" does not exist`);
      if (!old) throw new CliError(`replication controller "${oldName}" is gone: the update already finished`);
      const original = Number(old.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION] ?? old.spec.replicas ?? 1);
      this.say(`Setting "${oldName}" replicas to ${original}`);
      await this.roll(old, next, original);
      this.say(`Update succeeded. Deleting ${workName}`);
      await this.deleteRc(workName);
      await this.dropRollingAnnotations(oldName);
      this.say(`replicationcontroller "${oldName}" rolled back`);
      return;
    }

    if (!old) {
      // Interrupted after the old controller went: only the rename is left.
      if (!next) throw new CliError(`replication controller "${oldName}" not found`);
    } else {
      if (!old.metadata.annotations?.[ORIGINAL_REPLICAS_ANNOTATION]) {
        old = await this.annotate(oldName, { [ORIGINAL_REPLICAS_ANNOTATION]: String(old.spec.replicas ?? 1) });
      }
      if (!next) {
        const desired = planned.replicas ?? old.spec.replicas ?? 1;
        const rc: ReplicationController = {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          metadata: {
            name: workName,
            namespace: this.namespace,
            labels: planned.labels,
            annotations: { ...planned.annotations, [SOURCE_ID_ANNOTATION]: `${oldName}:${old.metadata.uid}`, [DESIRED_REPLICAS_ANNOTATION]: String(desired) },
          },
          spec: { replicas: 0, selector: planned.selector, template: planned.template, minReadySeconds: planned.minReadySeconds },
        };
        next = await this.client.create(RCS, rc, { namespace: this.namespace });
        this.say(`Created ${workName}`);
      } else {
        this.say(`Continuing update with existing controller ${workName}.`);
      }
      const desired = Number(next.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? planned.replicas ?? 1);
      await this.roll(next, old, desired);
      this.say(`Update succeeded. Deleting ${oldName}`);
      await this.deleteRc(oldName);
    }
    if (workName !== finalName) await this.rename(next!, finalName);
    else await this.dropRollingAnnotations(finalName);
    this.say(`replicationcontroller "${oldName}" rolling updated to "${finalName}"`);
  }

  /** The new controller as the file has it; its selector must tell its pods from the old ones. */
  private async fromFile(argv: RollingUpdateArgs, old: ReplicationController | undefined): Promise<Planned> {
    const manifests = await readManifests(this.ctx, argv);
    if (manifests.length !== 1 || manifests[0]!.object.kind !== 'ReplicationController') {
      throw new CliError(`${argv.filename!.join(', ')}: expected exactly one ReplicationController`);
    }
    const rc = manifests[0]!.object as ReplicationController;
    const selector = rc.spec?.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : rc.spec?.template?.metadata?.labels;
    if (!rc.metadata.name || !selector || !rc.spec.template) throw new CliError(`${manifests[0]!.source}: the replication controller needs a name, a template and a selector (or template labels)`);
    if (old && labelsMatch(selector, old.spec.template?.metadata?.labels)) {
      throw new CliError(`${manifests[0]!.source}: the selector of "${rc.metadata.name}" also selects the pods of "${argv.old}"; give it a label with a different value (e.g. version: v2)`);
    }
    return { finalName: rc.metadata.name, selector, template: rc.spec.template, replicas: rc.spec.replicas, minReadySeconds: rc.spec.minReadySeconds, labels: rc.metadata.labels, annotations: rc.metadata.annotations };
  }

  /**
   * The old controller with another image. Both get a deployment label (the hash of their
   * template) so their selectors part: the old controller's pods are labelled first.
   */
  private async fromImage(argv: RollingUpdateArgs, old: ReplicationController | undefined): Promise<Planned> {
    const key = argv['deployment-label-key'];
    const source = old ?? (await this.findTarget(argv.old));
    if (!source?.spec.template) throw new CliError(`replication controller "${argv.old}" not found`);
    const template = structuredClone(source.spec.template);
    delete template.metadata?.labels?.[key];
    const containers = template.spec.containers;
    const container = argv.container ? containers.find((c) => c.name === argv.container) : containers.length === 1 ? containers[0] : undefined;
    if (!container) throw new CliError(argv.container ? `no container named "${argv.container}" in "${argv.old}"` : `"${argv.old}" has several containers: name one with --container`);
    if (old && container.image === argv.image) throw new CliError(`specified --image must be distinct from the existing container image ("${argv.image}")`);
    container.image = argv.image!;
    const hash = templateHash(template);
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [key]: hash } };
    if (old && !old.spec.selector?.[key]) await this.addDeploymentLabel(old, key);
    const selector = { ...source.spec.selector, [key]: hash };
    return { finalName: argv.new ?? argv.old, selector, template, replicas: undefined, minReadySeconds: source.spec.minReadySeconds, labels: source.metadata.labels, annotations: undefined };
  }

  /** After an interruption past the old controller's deletion: the new one, found by its source annotation. */
  private async findTarget(oldName: string): Promise<ReplicationController | undefined> {
    const list = await this.client.listAll<ReplicationController>(RCS, { namespace: this.namespace });
    return list.items.find((rc) => rc.metadata.annotations?.[SOURCE_ID_ANNOTATION]?.split(':')[0] === oldName);
  }

  /** Template first (new pods get it), then the pods, then the selector: no pod is ever unselected. */
  private async addDeploymentLabel(old: ReplicationController, key: string): Promise<void> {
    const template = structuredClone(old.spec.template!);
    delete template.metadata?.labels?.[key];
    const value = templateHash(template);
    await retryOnConflict(() => this.client.patch(RCS, old.metadata.name!, { spec: { template: { metadata: { labels: { [key]: value } } } } }, 'merge', { namespace: this.namespace }));
    const pods = await this.client.listAll<Pod>(PODS, { namespace: this.namespace, labelSelector: Object.entries(old.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') });
    for (const pod of pods.items) {
      if (pod.metadata.labels?.[key] === value) continue;
      await retryOnConflict(() => this.client.patch(PODS, pod.metadata.name!, { metadata: { labels: { [key]: value } } }, 'merge', { namespace: this.namespace }));
    }
    await retryOnConflict(() => this.client.patch(RCS, old.metadata.name!, { spec: { selector: { [key]: value } } }, 'merge', { namespace: this.namespace }));
  }

  /**
   * Grows `up` to `desired` and shrinks `down` to 0, one pod at a time: at least `desired` ready
   * pods and at most desired + 1 pods throughout (kubectl's maxUnavailable 0, maxSurge 1).
   */
  private async roll(up: ReplicationController, down: ReplicationController, desired: number): Promise<void> {
    let upCount = up.spec.replicas ?? 0;
    let downCount = down.spec.replicas ?? 0;
    this.say(`Scaling up ${up.metadata.name} from ${upCount} to ${desired}, scaling down ${down.metadata.name} from ${downCount} to 0 (keep ${desired} pods available, don't exceed ${desired + 1} pods)`);
    if (upCount > desired) {
      upCount = desired;
      await this.scaleTo(up.metadata.name!, upCount);
    }
    while (upCount < desired || downCount > 0) {
      if (upCount < desired && upCount + downCount < desired + 1) {
        upCount++;
        this.say(`Scaling ${up.metadata.name} up to ${upCount}`);
        await this.scaleTo(up.metadata.name!, upCount);
      }
      const ready = await this.waitReady(up.metadata.name!, upCount);
      if (downCount > 0 && ready + downCount - 1 >= desired) {
        downCount--;
        this.say(`Scaling ${down.metadata.name} down to ${downCount}`);
        await this.scaleTo(down.metadata.name!, downCount);
        await this.waitFor(down.metadata.name!, `${down.metadata.name} to have ${downCount} pods`, (rc) => (rc.status?.replicas ?? 0) <= downCount && (rc.status?.observedGeneration ?? 0) >= (rc.metadata.generation ?? 0));
      }
      if ((upCount < desired || downCount > 0) && this.timing.periodMs > 0) await sleep(this.timing.periodMs);
    }
  }

  private async scaleTo(name: string, replicas: number): Promise<void> {
    await retryOnConflict(() => this.client.scale(RCS, name, replicas, { namespace: this.namespace }));
  }

  private async waitReady(name: string, count: number): Promise<number> {
    const rc = await this.waitFor(name, `${count} ready pods of ${name}`, (rc) => (rc.status?.readyReplicas ?? 0) >= count && (rc.status?.observedGeneration ?? 0) >= (rc.metadata.generation ?? 0));
    return rc.status?.readyReplicas ?? 0;
  }

  private async waitFor(name: string, what: string, done: (rc: ReplicationController) => boolean): Promise<ReplicationController> {
    const deadline = Date.now() + this.timing.timeoutMs;
    for (;;) {
      const rc = await this.client.get<ReplicationController>(RCS, name, { namespace: this.namespace });
      if (done(rc)) return rc;
      if (this.timing.timeoutMs > 0 && Date.now() >= deadline) {
        throw new CliError(`timed out waiting for ${what}; run the same command again to continue, or with --rollback to go back`);
      }
      await sleep(this.timing.pollMs);
    }
  }

  private async annotate(name: string, annotations: Record<string, string | null>): Promise<ReplicationController> {
    return retryOnConflict(() => this.client.patch<ReplicationController>(RCS, name, { metadata: { annotations } }, 'merge', { namespace: this.namespace }));
  }

  private async dropRollingAnnotations(name: string): Promise<void> {
    const rc = await this.find(name);
    if (rc && ROLLING_ANNOTATIONS.some((a) => rc.metadata.annotations?.[a] !== undefined)) {
      await this.annotate(name, Object.fromEntries(ROLLING_ANNOTATIONS.map((a) => [a, null])));
    }
  }

  private async deleteRc(name: string): Promise<void> {
    try {
      await retryOnConflict(() => this.client.delete(RCS, name, { namespace: this.namespace }));
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }

  /**
   * The controller under its final name: the working one is deleted leaving its pods (their
   * controller reference removed), and a copy under the final name adopts them.
   */
  private async rename(rc: ReplicationController, finalName: string): Promise<void> {
    const workName = rc.metadata.name!;
    this.say(`Renaming ${workName} to ${finalName}`);
    const current = await this.find(workName);
    if (current) {
      if (!current.metadata.deletionTimestamp) await retryOnConflict(() => this.client.delete(RCS, workName, { namespace: this.namespace, propagationPolicy: 'Orphan' }));
      const pods = await this.client.listAll<Pod>(PODS, { namespace: this.namespace });
      for (const pod of pods.items) {
        const refs = pod.metadata.ownerReferences ?? [];
        if (!refs.some((r) => r.uid === current.metadata.uid)) continue;
        const kept = refs.filter((r) => r.uid !== current.metadata.uid);
        await retryOnConflict(() => this.client.patch(PODS, pod.metadata.name!, { metadata: { ownerReferences: kept.length > 0 ? kept : null } }, 'merge', { namespace: this.namespace }));
      }
      // The garbage collector would drop the orphan finalizer once the pods are free; do it here
      // too, so the rename finishes without one.
      const marked = await this.find(workName);
      if (marked?.metadata.finalizers?.includes('orphan')) {
        const finalizers = marked.metadata.finalizers.filter((f) => f !== 'orphan');
        await retryOnConflict(() => this.client.patch(RCS, workName, { metadata: { finalizers: finalizers.length > 0 ? finalizers : null } }, 'merge', { namespace: this.namespace })).catch((err: unknown) => {
          if (!(err instanceof ApiError && err.code === 404)) throw err;
        });
      }
      await this.waitGone(workName);
    }
    if (!(await this.find(finalName))) {
      const annotations = Object.fromEntries(Object.entries(rc.metadata.annotations ?? {}).filter(([k]) => !ROLLING_ANNOTATIONS.includes(k)));
      const copy: ReplicationController = {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { name: finalName, namespace: this.namespace, labels: rc.metadata.labels, annotations },
        spec: { ...rc.spec, replicas: Number(rc.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] ?? rc.spec.replicas ?? 1) },
      };
      await this.client.create(RCS, copy, { namespace: this.namespace });
    }
  }

  private async waitGone(name: string): Promise<void> {
    const deadline = Date.now() + (this.timing.timeoutMs || 60_000);
    while (await this.find(name)) {
      if (Date.now() >= deadline) throw new CliError(`timed out waiting for "${name}" to be deleted; run the same command again to finish`);
      await sleep(this.timing.pollMs);
    }
  }
}

interface Planned {
  finalName: string;
  selector: Record<string, string>;
  template: PodTemplateSpec;
  replicas: number | undefined;
  minReadySeconds: number | undefined;
  labels: Record<string, string> | undefined;
  annotations: Record<string, string> | undefined;
}
