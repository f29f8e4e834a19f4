import type { Container, Probe } from '../../api/types.js';
import { runAction, type ActionTarget } from './actions.js';

// Probes per running container, one timer per probe (the only per-container timers the agent
// keeps). Results are kept here; a change asks for a sync of the pod, which reads them:
// readiness to the Ready conditions, a failed liveness or startup probe to a restart.

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeEvents {
  /** A result changed: sync the pod. */
  changed(podUid: string): void;
  /** One failed probe, for an Unhealthy event. */
  failed(podUid: string, container: Container, kind: ProbeKind, message: string): void;
}

interface ContainerProbes {
  podUid: string;
  started: boolean;
  ready: boolean;
  /** Why the container must be restarted (liveness or startup failure). */
  restart?: string;
  workers: ProbeWorker[];
}

export class ProbeManager {
  private readonly byContainer = new Map<string, ContainerProbes>();

  constructor(private readonly events: ProbeEvents) {}

  /** Starts the probes of a running container once; later calls for the same id do nothing. */
  ensure(podUid: string, container: Container, target: ActionTarget): void {
    if (this.byContainer.has(target.containerId)) return;
    const state: ContainerProbes = {
      podUid,
      started: !container.startupProbe,
      ready: !container.readinessProbe,
      workers: [],
    };
    this.byContainer.set(target.containerId, state);
    const add = (kind: ProbeKind, probe: Probe | undefined): void => {
      if (!probe) return;
      const report = (ok: boolean, message: string): void => this.result(state, container, kind, ok, message);
      const failed = (message: string): void => this.events.failed(podUid, container, kind, message);
      state.workers.push(new ProbeWorker(kind, probe, target, report, () => state.started, failed));
    };
    add('startup', container.startupProbe);
    add('liveness', container.livenessProbe);
    add('readiness', container.readinessProbe);
    for (const w of state.workers) w.start();
  }

  /** Stops the probes of the pod's containers that are not in `running`. */
  retainPod(podUid: string, running: ReadonlySet<string>): void {
    for (const [id, s] of [...this.byContainer]) if (s.podUid === podUid && !running.has(id)) this.remove(id);
  }

  remove(containerId: string): void {
    const state = this.byContainer.get(containerId);
    if (!state) return;
    for (const w of state.workers) w.stop();
    this.byContainer.delete(containerId);
  }

  /** Stops every probe of a pod. */
  removePod(podUid: string): void {
    for (const [id, s] of [...this.byContainer]) if (s.podUid === podUid) this.remove(id);
  }

  ready(containerId: string): boolean {
    return this.byContainer.get(containerId)?.ready ?? false;
  }

  /** True once the startup probe succeeded (at once without one); undefined when not probed. */
  started(containerId: string): boolean | undefined {
    return this.byContainer.get(containerId)?.started;
  }

  /** Why the container must be restarted, if a liveness or startup probe failed for good. */
  restartReason(containerId: string): string | undefined {
    return this.byContainer.get(containerId)?.restart;
  }

  stopAll(): void {
    for (const id of [...this.byContainer.keys()]) this.remove(id);
  }

  get size(): number {
    return this.byContainer.size;
  }

  private result(state: ContainerProbes, container: Container, kind: ProbeKind, ok: boolean, message: string): void {
    let changed = false;
    if (kind === 'startup' && ok && !state.started) {
      state.started = true;
      changed = true;
    } else if (kind === 'readiness' && ok !== state.ready) {
      state.ready = ok;
      changed = true;
    } else if ((kind === 'liveness' || kind === 'startup') && !ok && state.restart === undefined) {
      state.restart = `Container ${container.name} failed ${kind} probe, will be restarted`;
      for (const w of state.workers) w.stop();
      changed = true;
    }
    if (changed) this.events.changed(state.podUid);
  }
}

/** One probe of one container: runs every periodSeconds, reports after the thresholds. */
class ProbeWorker {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private reported?: boolean;

  constructor(
    private readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly target: ActionTarget,
    private readonly report: (ok: boolean, message: string) => void,
    private readonly started: () => boolean,
    private readonly onFailure: (message: string) => void,
  ) {}

  start(): void {
    this.schedule((this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const period = (this.probe.periodSeconds ?? 10) * 1000;
    // Liveness and readiness wait for the startup probe to succeed.
    if (this.kind !== 'startup' && !this.started()) return this.schedule(period);
    if (this.kind === 'startup' && this.started()) return;
    let ok: boolean;
    let message: string;
    try {
      ({ ok, message } = await runAction(this.probe, this.target, (this.probe.timeoutSeconds ?? 1) * 1000));
    } catch (err) {
      ok = false;
      message = (err as Error).message;
    }
    if (this.stopped) return;
    if (ok) {
      this.failures = 0;
      this.successes++;
      if (this.reported !== true && this.successes >= (this.kind === 'readiness' ? (this.probe.successThreshold ?? 1) : 1)) {
        this.reported = true;
        this.report(true, message);
      }
    } else {
      this.successes = 0;
      this.failures++;
      this.onFailure(message);
      if (this.reported !== false && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.reported = false;
        this.report(false, message);
      }
    }
    this.schedule(period);
  }
}
