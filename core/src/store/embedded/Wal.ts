import { constants } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import { checkFileHeader, FILE_HEADER_SIZE, fileHeader, frame, scanFrames, WAL_MAGIC } from './framing.js';
import { close, fdatasync, fsyncDir, ftruncate, open, writeAll } from './fsutil.js';
import { decodeEntries, encodeEntries, type Entry } from './records.js';

// The write-ahead log: segment files `wal-<first revision>.log`, each a header and frames of
// entry batches. A batch is one frame, written and synced as a unit (group commit).
//
// Segments are opened with O_DSYNC: a write returns once its data is durable, so an append is
// one trip to the thread pool rather than a write and then an fdatasync, each waiting its turn.
const { O_CREAT, O_DSYNC, O_EXCL, O_RDWR, O_WRONLY } = constants;

export interface Segment {
  name: string;
  path: string;
  startRev: number;
}

const SEGMENT_RE = /^wal-(\d{16})\.log$/;

export function segmentName(startRev: number): string {
  return `wal-${String(startRev).padStart(16, '0')}.log`;
}

export function listSegments(dir: string, files: readonly string[]): Segment[] {
  const out: Segment[] = [];
  for (const name of files) {
    const m = SEGMENT_RE.exec(name);
    if (m) out.push({ name, path: join(dir, name), startRev: Number(m[1]) });
  }
  return out.sort((a, b) => a.startRev - b.startRev);
}

export class WalWriter {
  private constructor(
    readonly path: string,
    readonly startRev: number,
    private readonly fd: number,
    /** Bytes in the file, header included. */
    public size: number,
  ) {}

  /** A new, empty segment; durable (header synced, directory synced) before it is returned. */
  static async create(dir: string, startRev: number): Promise<WalWriter> {
    const path = join(dir, segmentName(startRev));
    const fd = await open(path, O_WRONLY | O_CREAT | O_EXCL | O_DSYNC);
    try {
      const header = fileHeader(WAL_MAGIC);
      await writeAll(fd, header, 0);
      await fsyncDir(dir);
      return new WalWriter(path, startRev, fd, header.length);
    } catch (err) {
      await close(fd).catch(() => undefined);
      throw err;
    }
  }

  /** Continues a segment found at open, cutting it to `validEnd` (a torn tail) first. */
  static async reopen(seg: Segment, validEnd: number, fileSize: number): Promise<WalWriter> {
    const fd = await open(seg.path, O_RDWR | O_DSYNC);
    if (validEnd < fileSize) {
      await ftruncate(fd, validEnd);
      await fdatasync(fd);
    }
    return new WalWriter(seg.path, seg.startRev, fd, validEnd);
  }

  /** Appends one batch as one frame (O_DSYNC): when this resolves, the batch is durable. */
  async append(entries: readonly Entry[]): Promise<number> {
    const buf = frame(encodeEntries(entries));
    await writeAll(this.fd, buf, this.size);
    this.size += buf.length;
    return buf.length;
  }

  async close(): Promise<void> {
    await close(this.fd);
  }
}

export interface ReplayResult {
  /** The last segment and where its good data ends, to continue writing there. */
  last?: { segment: Segment; validEnd: number; fileSize: number };
}

/**
 * Reads every segment in order and hands each entry to `on.entry`. Only the last segment may
 * end in a torn frame; the handlers throw (a Corrupt StoreError) on data that does not fit.
 */
export interface ReplayHandlers {
  /** Called before a segment's entries, also for a segment without any. */
  segment(seg: Segment): void;
  entry(entry: Entry, file: string, offset: number, index: number): void;
}

export async function replayWal(
  segments: readonly Segment[],
  on: ReplayHandlers,
  notice: (message: string) => void,
): Promise<ReplayResult> {
  let result: ReplayResult = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const isLast = i === segments.length - 1;
    const buf = await readFile(seg.path);
    if (isLast && buf.length < FILE_HEADER_SIZE && buf.equals(fileHeader(WAL_MAGIC).subarray(0, buf.length))) {
      // A crash while creating the segment: nothing was ever written to it.
      notice(`${seg.path}: removing a segment cut short while it was created (${buf.length} bytes)`);
      await rm(seg.path);
      continue;
    }
    checkFileHeader(buf, seg.path, WAL_MAGIC);
    on.segment(seg);
    const scan = scanFrames(buf, FILE_HEADER_SIZE, seg.path);
    if (scan.torn !== undefined && !isLast) {
      throw new StoreError(
        'Corrupt',
        `${seg.path}: ends in a damaged record (${scan.torn}, at byte offset ${scan.validEnd}) but newer WAL segments follow it; the store will not start on damaged data`,
        { file: seg.path, offset: scan.validEnd },
      );
    }
    for (const f of scan.frames) {
      for (const e of decodeEntries(f.payload, seg.path, f.offset, f.index)) on.entry(e, seg.path, f.offset, f.index);
    }
    if (scan.torn !== undefined) {
      notice(
        `${seg.path}: truncating a torn write at byte offset ${scan.validEnd} (${scan.torn}); it was never acknowledged`,
      );
    }
    if (isLast) result = { last: { segment: seg, validEnd: scan.validEnd, fileSize: buf.length } };
  }
  return result;
}

export { fsyncDir };
