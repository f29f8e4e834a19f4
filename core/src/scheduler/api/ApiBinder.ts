// The scheduler's Binder through the API: POST pods/{name}/binding, the one write that may set
// spec.nodeName (the server also sets PodScheduled=True). A bounded number of bindings are in
// flight at once, so a burst of thousands of scheduled pods queues here instead of opening
// thousands of connections.
import { ApiError } from '../../api/errors.js';
import type { Pod } from '../../api/types.js';
import { PODS, type ApiClient } from '../../client/ApiClient.js';
import type { Binder } from '../types.js';

export interface ApiBinderOptions {
  /** Bindings in flight at once. Default 64. */
  concurrency?: number;
}

export class ApiBinder implements Binder {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;

  constructor(
    private readonly client: ApiClient,
    options: ApiBinderOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 64);
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    if (this.inFlight >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      await this.post(pod, nodeName);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async post(pod: Pod, nodeName: string): Promise<void> {
    const { name, namespace, uid } = pod.metadata;
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace, ...(uid ? { uid } : {}) },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    };
    try {
      await this.client.create(PODS, binding as never, { namespace, subresource: 'binding' });
    } catch (err) {
      // A retried request whose first try got through: the pod is bound where we wanted it.
      if (err instanceof ApiError && err.code === 409 && (await this.boundTo(pod)) === nodeName) return;
      // Otherwise (bound elsewhere, deleted, being deleted) the rejection undoes the assumption;
      // the pod informer then drops the pod from the queue, so it is not retried for ever.
      throw err;
    }
  }

  private async boundTo(pod: Pod): Promise<string | undefined> {
    try {
      const current = await this.client.get<Pod>(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace });
      return current.metadata.uid === pod.metadata.uid ? current.spec.nodeName : undefined;
    } catch {
      return undefined;
    }
  }
}
