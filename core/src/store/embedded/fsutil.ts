import fs from 'node:fs';

// Promise wrappers over the fd-based fs calls the WAL needs (fs/promises has no pwrite on a
// bare fd), plus directory fsync, which makes file creations, renames and removals durable.

export function open(path: string, flags: string | number, mode = 0o644): Promise<number> {
  return new Promise((resolve, reject) => fs.open(path, flags, mode, (err, fd) => (err ? reject(err) : resolve(fd))));
}

export function close(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

export function fsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

export function ftruncate(fd: number, len: number): Promise<void> {
  return new Promise((resolve, reject) => fs.ftruncate(fd, len, (err) => (err ? reject(err) : resolve())));
}

/** Writes all of `buf` at `position`. */
export async function writeAll(fd: number, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const n = await new Promise<number>((resolve, reject) =>
      fs.write(fd, buf, off, buf.length - off, position + off, (err, written) => (err ? reject(err) : resolve(written))),
    );
    off += n;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fd = await open(dir, 'r');
  try {
    await fsync(fd);
  } finally {
    await close(fd);
  }
}
