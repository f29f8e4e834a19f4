import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ContainerConfig, PodSandboxConfig, RuntimeAdapter, RuntimeContainerStatus } from '@corral/core';
import type { ProcessRuntime } from '../src/index.js';

export function sandboxConfig(dir: string, name: string, extra: Partial<PodSandboxConfig> = {}): PodSandboxConfig {
  return {
    uid: randomUUID(),
    name,
    namespace: 'test',
    hostname: name,
    labels: {},
    annotations: {},
    logDirectory: join(dir, 'logs', name),
    portMappings: [],
    ...extra,
  };
}

export function shellContainer(name: string, script: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    name,
    image: 'host',
    command: ['/bin/sh', '-c', script],
    args: [],
    env: [],
    mounts: [],
    labels: {},
    annotations: {},
    logPath: `${name}.log`,
    ...extra,
  };
}

export async function runToExit(adapter: RuntimeAdapter, sandbox: string, config: PodSandboxConfig, container: ContainerConfig): Promise<{ status: RuntimeContainerStatus; output: string; id: string }> {
  await mkdir(config.logDirectory, { recursive: true });
  const id = await adapter.createContainer(sandbox, container, config);
  await adapter.startContainer(id);
  const status = await waitForExit(adapter, id);
  return { status, output: await readAll(adapter.logs(id)), id };
}

export async function waitForExit(adapter: RuntimeAdapter, id: string): Promise<RuntimeContainerStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const status = await adapter.containerStatus(id);
    if (status?.state === 'CONTAINER_EXITED') return status;
    if (Date.now() > deadline) throw new Error(`container ${id} did not exit: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function readAll(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** The adapter's own record of a sandbox or container (its on-disk format). */
export async function record(rootDir: string, kind: 'sandboxes' | 'containers', id: string): Promise<any> {
  const file = kind === 'sandboxes' ? 'sandbox.json' : 'container.json';
  return JSON.parse(await readFile(join(rootDir, 'runtime-process', kind, id, file), 'utf8'));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}


/** Removes the adapter's cgroup tree when no pod is left in it (the last test file to end does). */
export async function removeCgroupTree(runtime: ProcessRuntime): Promise<void> {
  const { cgroupProbe } = await runtime.plan();
  const bases = cgroupProbe.kind === 'v1' ? Object.values(cgroupProbe.bases) : cgroupProbe.kind === 'v2' ? [cgroupProbe.base] : [];
  for (const base of bases) await rmdir(base).catch(() => undefined);
}
