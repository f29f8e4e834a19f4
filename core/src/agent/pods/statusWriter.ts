import { ApiError } from '../../api/errors.js';
import { deepEqual } from '../../api/objects.js';
import type { Pod, PodStatus } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { PODS } from '../../client/ApiClient.js';

// Pod status through the status subresource, only when it changed: against what the cache
// holds, and against what this agent last wrote (the cache may not have seen that write yet).

export class PodStatusWriter {
  private readonly written = new Map<string, { status: PodStatus; resourceVersion: number }>();

  constructor(private readonly client: ApiClient) {}

  /** Writes `status` unless the pod has it already; throws when the API cannot be reached. */
  async write(pod: Pod, status: PodStatus): Promise<boolean> {
    if (deepEqual(pod.status ?? {}, status)) return false;
    const uid = pod.metadata.uid!;
    const last = this.written.get(uid);
    const cachedRv = Number(pod.metadata.resourceVersion);
    if (last && deepEqual(last.status, status) && Number.isFinite(cachedRv) && cachedRv <= last.resourceVersion) return false;
    let base = pod;
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await this.client.updateStatus(PODS, { ...base, status }, { namespace: pod.metadata.namespace });
        this.written.set(uid, { status, resourceVersion: Number(saved.metadata.resourceVersion) });
        return true;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        // Gone: nothing to report to. Changed meanwhile: put the status on the newer pod.
        if (err.code === 404) return false;
        if (err.code !== 409 || attempt >= 2) throw err;
        base = await this.client.get<Pod>(PODS, pod.metadata.name!, { namespace: pod.metadata.namespace });
        if (base.metadata.uid !== uid) return false;
      }
    }
  }

  forget(uid: string): void {
    this.written.delete(uid);
  }
}
