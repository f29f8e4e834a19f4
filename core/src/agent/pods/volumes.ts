import { mkdir, readFile, writeFile, chmod, open } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import type { Container, KeyToPath, Pod } from '../../api/types.js';
import type { Mount } from '../../kernel/contracts/runtime.js';
import { ContainerConfigError, type ConfigSource } from './env.js';

// A pod's volumes on the node: emptyDir as a directory in the pod's own dir under the agent's
// root, hostPath as given, configMap and secret keys projected as files (rewritten when their
// content changes). The containers get mounts of these paths.

/** `<rootDir>/pods/<uid>`: everything of one pod on this node. */
export function podDir(rootDir: string, uid: string): string {
  return join(rootDir, 'pods', uid);
}

/** Prepares every volume; returns volume name → the path on the node. */
export async function prepareVolumes(pod: Pod, dir: string, config: ConfigSource): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  const namespace = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    if (v.hostPath) {
      const type = v.hostPath.type ?? '';
      if (type === 'DirectoryOrCreate') await mkdir(v.hostPath.path, { recursive: true });
      if (type === 'FileOrCreate') {
        await mkdir(dirname(v.hostPath.path), { recursive: true });
        await (await open(v.hostPath.path, 'a')).close();
      }
      paths.set(v.name, v.hostPath.path);
    } else if (v.configMap) {
      const target = join(dir, 'volumes', 'configmap', v.name);
      const cm = await config.configMap(namespace, v.configMap.name);
      if (!cm && !v.configMap.optional) throw new ContainerConfigError(`volume ${v.name}: configmap "${v.configMap.name}" not found`);
      const data: Record<string, Buffer> = {};
      for (const [k, value] of Object.entries(cm?.data ?? {})) data[k] = Buffer.from(value, 'utf8');
      for (const [k, value] of Object.entries(cm?.binaryData ?? {})) data[k] = Buffer.from(value, 'base64');
      await project(target, data, v.configMap.items, v.configMap.defaultMode ?? 0o644, v.name);
      paths.set(v.name, target);
    } else if (v.secret) {
      const target = join(dir, 'volumes', 'secret', v.name);
      const secret = await config.secret(namespace, v.secret.secretName);
      if (!secret && !v.secret.optional) throw new ContainerConfigError(`volume ${v.name}: secret "${v.secret.secretName}" not found`);
      const data: Record<string, Buffer> = {};
      for (const [k, value] of Object.entries(secret?.data ?? {})) data[k] = Buffer.from(value, 'base64');
      for (const [k, value] of Object.entries(secret?.stringData ?? {})) data[k] = Buffer.from(value, 'utf8');
      await project(target, data, v.secret.items, v.secret.defaultMode ?? 0o644, v.name);
      paths.set(v.name, target);
    } else {
      const target = join(dir, 'volumes', 'empty-dir', v.name);
      await mkdir(target, { recursive: true });
      paths.set(v.name, target);
    }
  }
  return paths;
}

async function project(target: string, data: Record<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, volume: string): Promise<void> {
  await mkdir(target, { recursive: true });
  const files = items
    ? items.map((item) => {
        const content = data[item.key];
        if (content === undefined) throw new ContainerConfigError(`volume ${volume}: no key "${item.key}" to project`);
        return { path: item.path, content, mode: item.mode ?? defaultMode };
      })
    : Object.entries(data).map(([key, content]) => ({ path: key, content, mode: defaultMode }));
  for (const f of files) {
    const rel = normalize(f.path);
    if (rel.startsWith('..') || rel.startsWith('/')) throw new ContainerConfigError(`volume ${volume}: path "${f.path}" leaves the volume`);
    const file = join(target, rel);
    const old = await readFile(file).catch(() => undefined);
    if (old && old.equals(f.content)) continue;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, f.content, { mode: f.mode });
    await chmod(file, f.mode);
  }
}

export function containerMounts(container: Container, volumes: ReadonlyMap<string, string>): Mount[] {
  return (container.volumeMounts ?? []).map((m) => {
    const hostPath = volumes.get(m.name);
    if (hostPath === undefined) throw new ContainerConfigError(`container ${container.name}: volumeMount "${m.name}" names no volume of the pod`);
    return { containerPath: m.mountPath, hostPath: m.subPath ? join(hostPath, normalize(m.subPath)) : hostPath, readonly: m.readOnly ?? false };
  });
}
