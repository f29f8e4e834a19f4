// Namespace lifecycle: the system namespaces exist from the start, objects are created only in
// namespaces that exist and are not being deleted. Namespaces are watched into a small cache so
// a create costs no extra store read; a miss is checked against the store before refusing.
import { ApiError, type GroupResource } from '../../api/errors.js';
import type { ApiObject, Namespace } from '../../api/types.js';
import { isStoreError } from '../../store/errors.js';
import type { ServedResource } from '../resources.js';
import { findObject, isCode, type NamespaceGate, type Storage } from '../storage/context.js';
import { createObject } from '../storage/create.js';
import type { ServerLogger } from '../types.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

const RETRY_MS = 1000;

function terminating(ns: ApiObject): boolean {
  return ns.metadata.deletionTimestamp !== undefined || (ns as Namespace).status?.phase === 'Terminating';
}

export class NamespaceLifecycle implements NamespaceGate {
  /** name -> being deleted? */
  private readonly known = new Map<string, boolean>();
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly namespaces: ServedResource,
    private readonly logger: ServerLogger,
    /** Called for every namespace seen and every change (the finalizer loop listens). */
    private readonly onChange: (ns: ApiObject) => void,
  ) {}

  /** Creates the system namespaces if absent, fills the cache and starts watching. */
  async start(): Promise<void> {
    for (const name of SYSTEM_NAMESPACES) {
      try {
        await createObject(this.storage, this.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: false });
      } catch (err) {
        // Another server (or an earlier run) created it.
        if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
      }
    }
    const revision = await this.relist();
    this.running = this.watchFrom(revision);
  }

  async checkCreate(namespace: string, what: GroupResource, name: string): Promise<void> {
    let deleting = this.known.get(namespace);
    if (deleting === undefined) {
      const live = await findObject(this.storage, this.namespaces, undefined, namespace);
      if (!live) throw ApiError.notFound('namespaces', namespace);
      deleting = terminating(live);
    }
    if (deleting) {
      throw ApiError.forbidden(what, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopWatch?.();
    await this.running;
  }

  private async relist(): Promise<number> {
    const listed = await this.storage.store.list(this.namespaces.prefix());
    this.known.clear();
    for (const item of listed.items as ApiObject[]) this.seen(item);
    return listed.revision;
  }

  private seen(ns: ApiObject): void {
    this.known.set(ns.metadata.name!, terminating(ns));
    this.onChange(ns);
  }

  private async watchFrom(revision: number): Promise<void> {
    let from = revision;
    while (!this.stopped) {
      try {
        const watch = await this.storage.store.watch(this.namespaces.prefix(), { revision: from });
        this.stopWatch = () => watch.stop();
        if (this.stopped) watch.stop();
        for await (const event of watch) {
          from = event.revision;
          const ns = event.object as ApiObject;
          if (event.type === 'DELETED') this.known.delete(ns.metadata.name!);
          else this.seen(ns);
        }
      } catch (err) {
        if (this.stopped) return;
        if (isCode(err, 'Compacted')) {
          from = await this.relist().catch(() => from);
          continue;
        }
        if (!isStoreError(err, 'Unavailable')) this.logger.warn(`namespace watch failed; retrying: ${(err as Error).message}`);
        await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, RETRY_MS)));
      }
    }
  }
}
