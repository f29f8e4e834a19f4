import { randomBytes } from 'node:crypto';
import type { ApiObject, Event } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { AgentLogger } from './types.js';

// Events about pods (Pulling, Started, BackOff, Unhealthy...), written through the API like
// kubelet's recorder: fire and forget, and a repeat of the same event counted on the first one.

const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };
const MAX_REMEMBERED = 1000;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

export class AgentEvents {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly client: ApiClient,
    private readonly nodeName: string,
    private readonly logger: AgentLogger,
  ) {}

  /** `fieldPath` names the container: `spec.containers{web}`. */
  emit(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    void this.write(regarding, type, reason, message, fieldPath).catch((err: Error) =>
      this.logger.warn(`could not write event ${reason} for ${regarding.metadata.namespace}/${regarding.metadata.name}: ${err.message}`),
    );
  }

  private async write(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Promise<void> {
    const namespace = regarding.metadata.namespace ?? 'default';
    const now = new Date().toISOString();
    const key = `${regarding.metadata.uid}/${fieldPath ?? ''}/${reason}/${message}`;
    const before = this.seen.get(key);
    if (before) {
      before.count++;
      this.seen.delete(key);
      this.seen.set(key, before);
      try {
        await this.client.patch(EVENTS, before.name, { count: before.count, lastTimestamp: now }, 'merge', { namespace });
        return;
      } catch {
        // The event expired or was deleted: write a new one.
        this.seen.delete(key);
      }
    }
    const name = `${regarding.metadata.name}.${randomBytes(8).toString('hex')}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: regarding.apiVersion ?? 'v1',
        kind: regarding.kind ?? 'Pod',
        namespace,
        name: regarding.metadata.name,
        uid: regarding.metadata.uid,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      source: { component: 'kubelet', host: this.nodeName },
      reportingComponent: 'kubelet',
      reportingInstance: this.nodeName,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    this.seen.set(key, { name, namespace, count: 1, first: now });
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    await this.client.create(EVENTS, event, { namespace });
  }
}
