import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerConfig, PodSandboxConfig, RuntimeAdapter, RuntimeContainerStatus } from '@corral/core';

// Small builders and waits for the cri adapter's own tests.

let counter = 0;

/** A sandbox config whose logs go under `baseDir`. */
export function sandboxConfig(baseDir: string, name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  counter += 1;
  return {
    uid: `uid-${process.pid}-${counter}`,
    name,
    namespace: 'cri-test',
    labels: { test: name },
    annotations: {},
    logDirectory: join(baseDir, `${name}-${counter}`),
    portMappings: [],
    ...extra,
  };
}

export function containerConfig(name: string, image: string, script: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, image, command: ['/bin/sh', '-c', script], args: [], env: [], mounts: [], labels: {}, annotations: {}, logPath: `${name}/0.log`, ...extra };
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function waitForExit(adapter: RuntimeAdapter, id: string): Promise<RuntimeContainerStatus> {
  return waitFor(async () => {
    const status = await adapter.containerStatus(id);
    return status?.state === 'CONTAINER_EXITED' ? status : undefined;
  }, `container ${id} to exit`);
}
