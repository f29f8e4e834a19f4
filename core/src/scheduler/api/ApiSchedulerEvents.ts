// The scheduler's outcomes written to the API: PodScheduled=False on the pod's status (a
// strategic merge patch on pods/status, merged by condition type, so other conditions stay)
// and Events: FailedScheduling (Warning) and Scheduled (Normal). PodScheduled=True is the
// binding's: the server sets it when it binds.
import type { Condition, Pod } from '../../api/types.js';
import { PODS, type ApiClient } from '../../client/ApiClient.js';
import { ApiEventRecorder, type ApiEventRecorderOptions, type EventRecorderStats } from '../../controllers/ApiEventRecorder.js';
import { describeError, type ControlPlaneLogger } from '../../controllers/logger.js';
import { scheduledMessage, schedulerNameOf, type SchedulerEvents } from '../types.js';

export interface ApiSchedulerEventsOptions {
  client: ApiClient;
  logger: ControlPlaneLogger;
  /** Write Events (default true); the condition is written either way. */
  events?: boolean;
  /** The Event sink's pacing and bounds (the recorder's defaults otherwise). */
  eventSink?: EventSinkOptions;
}

export type EventSinkOptions = Pick<ApiEventRecorderOptions, 'qps' | 'burst' | 'maxQueued' | 'concurrency'>;

export class ApiSchedulerEvents implements SchedulerEvents {
  /** One recorder per scheduler name: the Events' source.component. */
  private readonly recorders = new Map<string, ApiEventRecorder>();

  constructor(private readonly options: ApiSchedulerEventsOptions) {}

  async unschedulable(pod: Pod, message: string, condition: Condition): Promise<void> {
    this.recorder(pod)?.event(pod, 'Warning', 'FailedScheduling', message);
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current && current.status === condition.status && current.reason === condition.reason && current.message === condition.message) return;
    try {
      await this.options.client.patch(PODS, pod.metadata.name!, { status: { conditions: [condition] } }, 'strategic', {
        namespace: pod.metadata.namespace,
        subresource: 'status',
      });
    } catch (err) {
      // Deleted or bound meanwhile: nothing to report on.
      this.options.logger.info(`scheduler: could not set PodScheduled=False on ${pod.metadata.namespace}/${pod.metadata.name}: ${describeError(err)}`);
    }
  }

  scheduled(pod: Pod, nodeName: string): void {
    this.recorder(pod)?.event(pod, 'Normal', 'Scheduled', scheduledMessage(pod, nodeName));
  }

  /** What the recorders did, summed over scheduler names. */
  stats(): EventRecorderStats {
    const sum: EventRecorderStats = { written: 0, coalesced: 0, filtered: 0, dropped: 0, failed: 0 };
    for (const r of this.recorders.values()) for (const [k, v] of Object.entries(r.stats())) sum[k as keyof EventRecorderStats] += v;
    return sum;
  }

  /** Waits for the Events queued so far. */
  async flush(): Promise<void> {
    await Promise.all([...this.recorders.values()].map((r) => r.flush()));
  }

  private recorder(pod: Pod): ApiEventRecorder | undefined {
    if (this.options.events === false) return undefined;
    const name = schedulerNameOf(pod);
    let recorder = this.recorders.get(name);
    if (!recorder) {
      recorder = new ApiEventRecorder({ ...this.options.eventSink, client: this.options.client, component: name, logger: this.options.logger });
      this.recorders.set(name, recorder);
    }
    return recorder;
  }
}
