// Container images built on this machine for the examples, never pulled: Debian's static busybox
// (its applets in /bin) plus host programs copied at their own paths with the shared libraries
// `ldd` names, imported into a test's dockerd (`docker import`) or containerd (an OCI layout
// archive through `ctr images import`).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { DockerdProcess } from '@corral/runtime-docker/testing';

const run = promisify(execFile);

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageSpec {
  /** The reference pods name it by, e.g. `corral.local/guestbook-redis:1`. */
  readonly name: string;
  /** Host programs (absolute paths or names on PATH) to copy in, each with its libraries. */
  readonly programs: readonly HostProgram[];
}

export interface HostProgram {
  readonly program: string;
  /** The Debian package that installs it, for the error when it is missing. */
  readonly debianPackage: string;
}

/** The absolute path of a program on PATH; the error names the Debian package to install. */
export async function which(program: string, debianPackage: string): Promise<string> {
  if (program.startsWith('/')) return program;
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${program}`]);
    return stdout.trim();
  } catch {
    throw new Error(`${program} not found on PATH: install Debian's ${debianPackage} (apt-get install ${debianPackage})`);
  }
}

/** The files a dynamically linked program loads: its libraries and the loader, as `ldd` lists them. */
async function sharedLibraries(program: string): Promise<string[]> {
  const { stdout } = await run('ldd', [program]).catch((err: { stdout?: string; stderr?: string }) => {
    // A static program: "not a dynamic executable".
    if (/not a dynamic executable/.test(`${err.stdout ?? ''}${err.stderr ?? ''}`)) return { stdout: '' };
    throw err;
  });
  const libraries: string[] = [];
  for (const line of stdout.split('\n')) {
    const path = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1];
    if (path) libraries.push(path);
  }
  return libraries;
}

/** Fills `root` with busybox, the programs and their libraries; returns what was copied. */
async function stageRootfs(root: string, spec: ImageSpec): Promise<string[]> {
  const busybox = await which('busybox', 'busybox-static');
  for (const dir of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var']) await mkdir(join(root, dir), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await copyFile(busybox, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const { stdout } = await run(busybox, ['--list']);
  for (const applet of stdout.split('\n').map((a) => a.trim())) {
    if (applet && applet !== 'busybox') await symlink('busybox', join(root, 'bin', applet)).catch(() => undefined);
  }
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  const copied: string[] = [];
  for (const { program, debianPackage } of spec.programs) {
    const path = await which(program, debianPackage);
    for (const file of [path, ...(await sharedLibraries(path))]) {
      // At the path the program or the loader asks for; copyFile follows symlinks to the content.
      const target = join(root, file);
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
      await chmod(target, 0o755);
      copied.push(file);
    }
  }
  return copied;
}

/** Stages the image's file system in a temp dir and packs it as one layer tar. */
async function withLayer<T>(spec: ImageSpec, use: (layer: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-image-'));
  try {
    const root = join(dir, 'rootfs');
    await stageRootfs(root, spec);
    const layer = join(dir, 'layer.tar');
    await run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', layer, '.']);
    return await use(layer, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function splitReference(name: string): { repository: string; tag: string } {
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? { repository: name.slice(0, colon), tag: name.slice(colon + 1) } : { repository: name, tag: 'latest' };
}

/** `docker import` of the image into the test's own daemon; resolves to its id. */
export async function importIntoDocker(daemon: DockerdProcess, spec: ImageSpec): Promise<string> {
  const { repository, tag } = splitReference(spec.name);
  return withLayer(spec, async (layer) => {
    const progress = (await daemon.docker.importImage(layer, { repo: repository, tag, changes: [`ENV PATH=${PATH}`] })) as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of progress) text += chunk.toString();
    const failed = /"error"\s*:\s*"([^"]*)"/.exec(text);
    if (failed) throw new Error(`docker import of ${spec.name} failed: ${failed[1]}`);
    return (await daemon.docker.getImage(spec.name).inspect()).Id;
  });
}

function goArch(): string {
  const arches: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return arches[process.arch] ?? process.arch;
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Packs the image as an OCI image layout archive and imports it into containerd's `k8s.io`
 * namespace (the one its CRI plugin serves), unpacked for `snapshotter`.
 */
export async function importIntoContainerd(socket: string, snapshotter: string, spec: ImageSpec): Promise<void> {
  const ctr = await which('ctr', 'containerd');
  const { repository, tag } = splitReference(spec.name);
  await withLayer(spec, async (layerFile, dir) => {
    const layout = join(dir, 'layout');
    const blobs = join(layout, 'blobs/sha256');
    await mkdir(blobs, { recursive: true });
    const layer = await readFile(layerFile);
    const layerDigest = sha256(layer);
    await writeFile(join(blobs, layerDigest), layer);
    const blob = async (value: unknown): Promise<{ digest: string; size: number }> => {
      const text = JSON.stringify(value);
      const digest = sha256(text);
      await writeFile(join(blobs, digest), text);
      return { digest: `sha256:${digest}`, size: Buffer.byteLength(text) };
    };
    const config = await blob({
      architecture: goArch(),
      os: 'linux',
      config: { Env: [`PATH=${PATH}`], Cmd: ['/bin/sh'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
    });
    const manifest = await blob({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
    });
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'io.containerd.image.name': spec.name, 'org.opencontainers.image.ref.name': tag },
        },
      ],
    };
    await writeFile(join(layout, 'index.json'), JSON.stringify(index));
    await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const archive = join(dir, 'image-oci.tar');
    await run('tar', ['-C', layout, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
    await run(ctr, ['-a', socket, '-n', 'k8s.io', 'images', 'import', '--base-name', repository, '--snapshotter', snapshotter, archive], { maxBuffer: 16 << 20 });
  });
}
