import { randomBytes } from 'node:crypto';
import type { ApiObject, Event } from '../api/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import type { AgentLogger } from './types.js';

// Events about pods (Pulling, Started, BackOff, Unhealthy...), written through the API like
// kubelet's recorder: fire and forget, and a repeat of the same event counted on the first one.
// They go out a few at a time from a queue (kubelet's recorder is rate-limited too): a burst
// of pods makes several events each, and written all at once they held up the API server's
// answers to the pods' status writes, which is what a user waits for.

const EVENTS = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };
const MAX_REMEMBERED = 1000;
/** Events written at once. */
const IN_FLIGHT = 2;
/** Events waiting beyond this many are dropped (kubelet drops them too when its queue is full). */
const MAX_QUEUED = 1000;

interface Pending {
  regarding: ApiObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
}

export class AgentEvents {
  private readonly seen = new Map<string, Seen>();
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private dropped = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly nodeName: string,
    private readonly logger: AgentLogger,
  ) {}

  /** `fieldPath` names the container: `spec.containers{web}`. */
  emit(regarding: ApiObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    if (this.queue.length >= MAX_QUEUED) {
      if (this.dropped++ === 0) this.logger.warn(`events are coming faster than the API takes them; dropping some (first: ${reason} for ${regarding.metadata.namespace}/${regarding.metadata.name})`);
      return;
    }
    this.queue.push({ regarding, type, reason, message, fieldPath });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < IN_FLIGHT && this.queue.length > 0) {
      const { regarding, type, reason, message, fieldPath } = this.queue.shift()!;
      this.inFlight++;
      void this.write(regarding, type, reason, message, fieldPath)
        .catch((err: Error) => this.logger.warn(`could not write event ${reason} for ${regarding.metadata.namespace}/${regarding.metadata.name}: ${err.message}`))
        .finally(() => {
          this.inFlight--;
          if (this.queue.length === 0) this.dropped = 0;
          this.pump();
        });
    }
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
