import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { readProgress } from '../images.js';

export interface BusyboxImageOptions {
  /** The image name. Default `corral-test/busybox:1`. */
  tag?: string;
  /** A statically linked busybox. Default /bin/busybox (Debian's busybox-static). */
  busybox?: string;
  /** The applets linked in /bin; default every one busybox has. */
  applets?: readonly string[];
}

export const BUSYBOX_IMAGE = 'corral-test/busybox:1';

/**
 * Builds a tiny image from the host's static busybox (its applets linked in /bin) and imports
 * it into `docker`: no registry involved. Its CMD is `sh`. Returns the image id.
 */
export async function buildBusyboxImage(docker: Docker, opts: BusyboxImageOptions = {}): Promise<string> {
  const tag = opts.tag ?? BUSYBOX_IMAGE;
  const busybox = opts.busybox ?? '/bin/busybox';
  const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`${busybox} does not run: install Debian's busybox-static (apt-get install busybox-static)`);
  const stage = mkdtempSync(join(tmpdir(), 'corral-busybox-'));
  try {
    const root = join(stage, 'rootfs');
    for (const d of ['bin', 'tmp', 'etc', 'proc', 'sys', 'dev', 'root']) mkdirSync(join(root, d), { recursive: true });
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    const applets = opts.applets ?? list.stdout.split('\n').map((a) => a.trim());
    for (const applet of applets) {
      if (applet && applet !== 'busybox') symlinkSync('busybox', join(root, 'bin', applet));
    }
    const tarball = join(stage, 'rootfs.tar');
    const tar = spawnSync('tar', ['-C', root, '-cf', tarball, '.'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar failed building ${tag}: ${tar.stderr}`);
    const colon = tag.lastIndexOf(':');
    const [repo, version] = colon > tag.lastIndexOf('/') ? [tag.slice(0, colon), tag.slice(colon + 1)] : [tag, 'latest'];
    const progress = (await docker.importImage(tarball, { repo, tag: version, changes: ['CMD ["sh"]', 'ENV PATH=/bin'] })) as NodeJS.ReadableStream;
    await readProgress(progress);
    const image = await docker.getImage(tag).inspect();
    return image.Id;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
