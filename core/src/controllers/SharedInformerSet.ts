// One informer per kind, shared by every controller of the process (client-go's shared informer
// factory): a kind is listed and watched once however many controllers read it. Informers are
// made on first use and live until the set is stopped, so a controller that loses and regains
// the lease finds a warm cache.
import type { ApiObject } from '../api/types.js';
import type { ResourceDefinition } from '../api/resource.js';
import type { ApiClient } from '../client/ApiClient.js';
import { informerFor, type Informer } from '../client/informer/Informer.js';
import { namespaceIndex, nodeNameIndex, ownerUidIndex, type Indexers } from '../client/informer/ObjectCache.js';
import type { KindRef, SharedInformers } from '../kernel/contracts/controllers.js';
import type { ResourceRegistry } from '../kernel/registries/ResourceRegistry.js';

export interface SharedInformerSetOptions {
  client: ApiClient;
  resources: ResourceRegistry;
  /** List/watch failures (retried) and handlers that threw. */
  onError?: (kind: KindRef, error: unknown) => void;
}

export function kindKey(kind: KindRef): string {
  return `${kind.apiVersion}/${kind.kind}`;
}

export class SharedInformerSet implements SharedInformers {
  private readonly informers = new Map<string, Informer>();
  private stopped = false;

  constructor(private readonly options: SharedInformerSetOptions) {}

  /** The informer of `kind`, started; throws when no plugin registered the kind. */
  informer<T extends ApiObject = ApiObject>(kind: KindRef): Informer<T> {
    const key = kindKey(kind);
    let informer = this.informers.get(key);
    if (!informer) {
      if (this.stopped) throw new Error(`the shared informers are stopped; cannot watch ${kind.kind} (${kind.apiVersion})`);
      const def = this.resource(kind);
      const indexers: Indexers = { namespace: namespaceIndex, ownerUid: ownerUidIndex };
      if (def.group === '' && def.kind === 'Pod') indexers.nodeName = nodeNameIndex;
      const onError = this.options.onError;
      informer = informerFor(this.options.client, def, { indexers, ...(onError ? { onError: (err) => onError(kind, err) } : {}) });
      this.informers.set(key, informer);
      informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** The registered definition of `kind` (plural, scope). */
  resource(kind: KindRef): ResourceDefinition {
    const def = this.options.resources.forKind(kind.apiVersion, kind.kind);
    if (!def) {
      const known = this.options.resources.list().map((d) => `${d.kind} (${d.group ? `${d.group}/` : ''}${d.version})`);
      throw new Error(`no resource is registered for kind ${kind.kind} in ${kind.apiVersion}; registered kinds: ${known.join(', ') || 'none'}`);
    }
    return def;
  }

  /** Starts the informers of `kinds` and resolves once all have listed (false if stopped first). */
  async waitForSync(kinds: readonly KindRef[]): Promise<boolean> {
    const results = await Promise.all(kinds.map((k) => this.informer(k).waitForSync()));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
    this.informers.clear();
  }
}
