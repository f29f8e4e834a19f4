// Shared by the informer tests: polling for an eventually-true condition, ConfigMap fixtures.
import type { ConfigMap } from '../../../src/api/types.js';

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function cm(name: string, namespace: string, data: Record<string, string> = { k: 'v' }, labels?: Record<string, string>): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(labels ? { labels } : {}) }, data };
}

/** Lets queued promise callbacks run (ManualClock tests). */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
