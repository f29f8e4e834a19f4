import { freemem } from 'node:os';
import { statfsSync } from 'node:fs';
import type { Node } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { AgentLogger, AgentTiming } from '../types.js';
import { NodeLease } from './lease.js';
import { nodeStatus, registerNode, writeNodeStatus, type NodeDescription, type PressureState } from './registration.js';

// The node's life signs: registration (retried until the API answers), the Lease renewed every
// few seconds, and the conditions written every nodeStatusMs or as soon as one changes. One
// timer drives all three.

const MEMORY_EVICTION_BYTES = 100 * 1024 * 1024;
const DISK_EVICTION_RATIO = 0.1;

export class NodeHeartbeat {
  private node?: Node;
  private timer?: NodeJS.Timeout;
  private lastStatusAt = 0;
  private lastConditions = '';
  private readonly lease: NodeLease;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly description: NodeDescription,
    private readonly timing: AgentTiming,
    private readonly rootDir: string,
    private readonly runtimeHealthy: () => boolean,
    private readonly logger: AgentLogger,
  ) {
    this.lease = new NodeLease(client, description.name, timing.leaseDurationSeconds, () => this.node?.metadata.uid);
  }

  /** The Node as last written (undefined until registered). */
  get registered(): Node | undefined {
    return this.node;
  }

  /** One beat now; resolves when it is done (registered or not). */
  beat(): Promise<void> {
    this.running ??= this.once().finally(() => (this.running = undefined));
    return this.running;
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      void this.beat().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(tick, this.timing.leaseRenewMs);
        this.timer.unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private pressure(): PressureState {
    let disk = false;
    try {
      const fs = statfsSync(this.rootDir);
      disk = fs.blocks > 0 && fs.bavail / fs.blocks < DISK_EVICTION_RATIO;
    } catch {
      // No root dir yet: no disk to be short of.
    }
    return { MemoryPressure: freemem() < MEMORY_EVICTION_BYTES, DiskPressure: disk, PIDPressure: false };
  }

  private async once(): Promise<void> {
    try {
      const now = Date.now();
      const pressure = this.pressure();
      const ready = this.runtimeHealthy();
      const fingerprint = JSON.stringify([pressure, ready]);
      const status = nodeStatus(this.description, pressure, ready, this.node?.status?.conditions, new Date(now).toISOString());
      if (!this.node) {
        this.node = await registerNode(this.client, this.description, status);
        this.lastStatusAt = now;
        this.lastConditions = fingerprint;
      } else if (fingerprint !== this.lastConditions || now - this.lastStatusAt >= this.timing.nodeStatusMs) {
        this.node = await writeNodeStatus(this.client, this.description.name, status);
        this.lastStatusAt = now;
        this.lastConditions = fingerprint;
      }
      await this.lease.renew(now);
    } catch (err) {
      this.logger.warn(`node ${this.description.name}: heartbeat failed, will retry: ${(err as Error).message}`);
      // A node deleted meanwhile is registered again.
      if ((err as { code?: number }).code === 404) this.node = undefined;
    }
  }
}
