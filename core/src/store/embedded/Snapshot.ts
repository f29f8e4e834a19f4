import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { checkFileHeader, FILE_HEADER_SIZE, fileHeader, frame, scanFrames, SNAP_MAGIC } from './framing.js';
import { close, fdatasync, fsyncDir, open, writeAll } from './fsutil.js';
import type { MvccCapture, Version } from './Mvcc.js';
import { decodeEntries, encodeEntries, OP_DELETE, OP_PUT, type Entry } from './records.js';

// Snapshots: `snap-<revision>.snap`, a header, a metadata frame (JSON) and frames of entries
// holding every retained version. Written to a temporary file, synced, renamed into place and
// the directory synced, so a snapshot file either is complete or does not exist.

const SNAP_RE = /^snap-(\d{16})\.snap$/;
const ENTRIES_PER_FRAME = 2048;

export interface SnapshotFile {
  name: string;
  path: string;
  revision: number;
}

interface SnapshotMeta {
  revision: number;
  compactRevision: number;
  entries: number;
}

export function snapshotName(revision: number): string {
  return `snap-${String(revision).padStart(16, '0')}.snap`;
}

export function listSnapshots(dir: string, files: readonly string[]): SnapshotFile[] {
  const out: SnapshotFile[] = [];
  for (const name of files) {
    const m = SNAP_RE.exec(name);
    if (m) out.push({ name, path: join(dir, name), revision: Number(m[1]) });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

function toEntry(v: Version): Entry {
  return { op: v.data === null ? OP_DELETE : OP_PUT, rev: v.rev, createRev: v.createRev, key: v.key, data: v.data };
}

/** Writes the capture as a snapshot; returns its path once it is durable. */
export async function writeSnapshot(dir: string, cap: MvccCapture): Promise<string> {
  const path = join(dir, snapshotName(cap.revision));
  const tmp = `${path}.tmp`;
  const all = cap.floor.length + cap.log.length;
  const fd = await open(tmp, 'w');
  try {
    let pos = 0;
    const put = async (buf: Buffer) => {
      await writeAll(fd, buf, pos);
      pos += buf.length;
    };
    await put(fileHeader(SNAP_MAGIC));
    const meta: SnapshotMeta = { revision: cap.revision, compactRevision: cap.compactRevision, entries: all };
    await put(frame(Buffer.from(JSON.stringify(meta))));
    for (let i = 0; i < all; i += ENTRIES_PER_FRAME) {
      const chunk: Entry[] = [];
      for (let j = i; j < Math.min(all, i + ENTRIES_PER_FRAME); j++) {
        chunk.push(toEntry(j < cap.floor.length ? cap.floor[j]! : cap.log[j - cap.floor.length]!));
      }
      await put(frame(encodeEntries(chunk)));
    }
    await fdatasync(fd);
  } catch (err) {
    await close(fd).catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await close(fd);
  await rename(tmp, path);
  await fsyncDir(dir);
  return path;
}

export interface LoadedSnapshot {
  revision: number;
  compactRevision: number;
  entries: Entry[];
}

function corrupt(file: string, what: string, offset?: number): StoreError {
  return new StoreError('Corrupt', `${file}: ${what}; the store will not start on a damaged snapshot`, { file, offset });
}

/** Reads and verifies a whole snapshot; any damage is Corrupt (snapshots are never torn). */
export async function readSnapshot(snap: SnapshotFile): Promise<LoadedSnapshot> {
  const buf = await readFile(snap.path);
  checkFileHeader(buf, snap.path, SNAP_MAGIC);
  const scan = scanFrames(buf, FILE_HEADER_SIZE, snap.path);
  if (scan.torn !== undefined) throw corrupt(snap.path, `damaged at byte offset ${scan.validEnd} (${scan.torn})`, scan.validEnd);
  const [first, ...rest] = scan.frames;
  if (!first) throw corrupt(snap.path, 'no metadata record');
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(first.payload.toString('utf8')) as SnapshotMeta;
  } catch {
    throw corrupt(snap.path, 'metadata record is not JSON', first.offset);
  }
  if (!Number.isSafeInteger(meta.revision) || !Number.isSafeInteger(meta.compactRevision) || !Number.isSafeInteger(meta.entries)) {
    throw corrupt(snap.path, 'metadata record lacks revision, compactRevision or entries', first.offset);
  }
  if (meta.revision !== snap.revision) {
    throw corrupt(snap.path, `holds revision ${meta.revision} but its name says ${snap.revision}`, first.offset);
  }
  const entries: Entry[] = [];
  for (const f of rest) {
    for (const e of decodeEntries(f.payload, snap.path, f.offset, f.index)) entries.push(e);
  }
  if (entries.length !== meta.entries) {
    throw corrupt(snap.path, `has ${entries.length} entries, its metadata says ${meta.entries}`);
  }
  return { revision: meta.revision, compactRevision: meta.compactRevision, entries };
}
