import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries.js';
import { run } from './run.js';

// A container image built on this machine, never pulled: Debian's static busybox with its
// applets as symlinks, packed as an OCI image layout archive that `ctr images import` reads.
// Its default command is a long sleep, so the same image serves as the pod sandbox (pause) image.

export const BUSYBOX_IMAGE = 'corral.test/busybox:latest';
const BASE_NAME = 'corral.test/busybox';
const TAG = 'latest';
const SLEEP_FOREVER = ['/bin/sleep', '2147483647'];

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function goArch(): string {
  const arches: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return arches[process.arch] ?? process.arch;
}

async function buildRootfs(rootfs: string): Promise<void> {
  const busybox = findBinary('busybox');
  for (const dir of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'var']) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  copyFileSync(busybox, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  const applets = (await run(busybox, ['--list'])).split('\n').map((a) => a.trim()).filter((a) => a && a !== 'busybox');
  for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
}

/** Writes the OCI image layout archive for the busybox image; returns the archive's path. */
export async function buildBusyboxArchive(workDir: string): Promise<string> {
  const tar = findBinary('tar');
  const rootfs = join(workDir, 'rootfs');
  const layout = join(workDir, 'layout');
  const blobs = join(layout, 'blobs/sha256');
  mkdirSync(blobs, { recursive: true });
  await buildRootfs(rootfs);

  const layerFile = join(workDir, 'layer.tar');
  await run(tar, ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerFile, '.']);
  const layer = readFileSync(layerFile);
  const layerDigest = sha256(layer);
  writeFileSync(join(blobs, layerDigest), layer);

  const blob = (value: unknown): { digest: string; size: number } => {
    const text = JSON.stringify(value);
    const digest = sha256(text);
    writeFileSync(join(blobs, digest), text);
    return { digest: `sha256:${digest}`, size: Buffer.byteLength(text) };
  };
  const config = blob({
    architecture: goArch(),
    os: 'linux',
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: SLEEP_FOREVER, WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: [`sha256:${layerDigest}`] },
  });
  const manifest = blob({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${layerDigest}`, size: layer.length }],
  });
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'io.containerd.image.name': BUSYBOX_IMAGE, 'org.opencontainers.image.ref.name': TAG },
        },
      ],
    }),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const archive = join(workDir, 'busybox-oci.tar');
  await run(tar, ['-C', layout, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  return archive;
}

/** Imports the archive into containerd's `k8s.io` namespace (the one CRI uses), unpacked. */
export async function importImage(socket: string, archive: string, snapshotter: string): Promise<void> {
  const ctr = findBinary('ctr');
  await run(ctr, ['-a', socket, '-n', 'k8s.io', 'images', 'import', '--base-name', BASE_NAME, '--snapshotter', snapshotter, archive]);
}
