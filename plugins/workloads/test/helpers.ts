// Shared by the integration tests: a control plane running this plugin, and polling helpers.
import type { ApiClient, Pod, PodTemplateSpec, ReplicaSet, ResourceRef } from '@corral/core';
import { PODS } from '../src/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined; fails with `what` after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

export function template(labels: Record<string, string>, image = 'nginx:1.7', extra: Partial<PodTemplateSpec['spec']> = {}): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'web', image }], ...extra } };
}

/** The pods of a namespace matching `labelSelector`, terminating ones left out. */
export async function activePods(client: ApiClient, namespace: string, labelSelector?: string): Promise<Pod[]> {
  const list = await client.list<Pod>(PODS, { namespace, ...(labelSelector ? { labelSelector } : {}) });
  return list.items.filter((p) => !p.metadata.deletionTimestamp);
}

export async function createNamespace(client: ApiClient, name: string): Promise<string> {
  await client.create({ group: '', version: 'v1', plural: 'namespaces', namespaced: false, kind: 'Namespace' } as ResourceRef, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name },
  });
  return name;
}

export function ownedBy(pod: Pod, owner: { metadata: { uid?: string } }): boolean {
  return pod.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid) ?? false;
}

export type { ReplicaSet };

/** Pods of a namespace as a watch delivers them; `check` runs on every event and collects what it returns. */
export class PodWatcher {
  readonly pods = new Map<string, Pod>();
  readonly violations: string[] = [];
  events = 0;
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  private constructor(
    client: ApiClient,
    namespace: string,
    resourceVersion: string,
    initial: Pod[],
    private readonly check: (pods: Pod[]) => string | undefined,
  ) {
    for (const pod of initial) this.pods.set(pod.metadata.name!, pod);
    const watch = client.watch<Pod>(PODS, { namespace, resourceVersion, signal: this.abort.signal });
    this.done = (async () => {
      try {
        for await (const event of watch) {
          if (event.type === 'BOOKMARK') continue;
          if (event.type === 'DELETED') this.pods.delete(event.object.metadata.name!);
          else this.pods.set(event.object.metadata.name!, event.object);
          this.events++;
          const problem = this.check([...this.pods.values()]);
          if (problem) this.violations.push(`after event ${this.events} (${event.type} ${event.object.metadata.name}): ${problem}`);
        }
      } catch (err) {
        if (!this.abort.signal.aborted) this.violations.push(`watch failed: ${String(err)}`);
      }
    })();
  }

  static async start(client: ApiClient, namespace: string, check: (pods: Pod[]) => string | undefined): Promise<PodWatcher> {
    const list = await client.list<Pod>(PODS, { namespace });
    return new PodWatcher(client, namespace, list.metadata.resourceVersion ?? '0', list.items, check);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function imageOf(pod: Pod): string | undefined {
  return pod.spec.containers[0]?.image;
}

/** Sets replicas through /scale, again when a controller's status write got in between. */
export async function scaleTo(client: ApiClient, resource: ResourceRef, name: string, replicas: number, namespace: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.scale(resource, name, replicas, { namespace });
      return;
    } catch (err) {
      if (attempt >= 10 || (err as { code?: number }).code !== 409) throw err;
      await sleep(50);
    }
  }
}
