import { readdir, rm } from 'node:fs/promises';
import { StoreError } from '../errors.js';
import { Mvcc } from './Mvcc.js';
import { OP_COMPACT } from './records.js';
import { listSnapshots, readSnapshot } from './Snapshot.js';
import { fsyncDir, listSegments, replayWal, type ReplayResult } from './Wal.js';

// Opening a data dir: the newest snapshot, then every WAL entry after it, each checked to
// follow on from the one before. Anything that does not fit stops the open with Corrupt: the
// store never starts empty, or with a hole in its history, on a dir that has data.

export interface Recovered extends ReplayResult {
  mvcc: Mvcc;
  /** Revision of the snapshot recovery started from, 0 if none. */
  snapshotRevision: number;
}

export async function recover(dir: string, notice: (message: string) => void): Promise<Recovered> {
  const files = await readdir(dir);
  for (const f of files) {
    if (f.endsWith('.snap.tmp')) {
      notice(`${dir}/${f}: removing an unfinished snapshot`);
      await rm(`${dir}/${f}`, { force: true });
    }
  }
  const snapshots = listSnapshots(dir, files);
  const segments = listSegments(dir, files);
  let mvcc = new Mvcc();
  const newest = snapshots[snapshots.length - 1];
  if (newest) {
    const snap = await readSnapshot(newest);
    const restored = Mvcc.restore(snap.revision, snap.compactRevision, snap.entries);
    if (typeof restored === 'string') {
      throw new StoreError('Corrupt', `${newest.path}: ${restored}; the store will not start on a damaged snapshot`, { file: newest.path });
    }
    mvcc = restored;
  }

  const bad = (file: string, offset: number, what: string) =>
    new StoreError('Corrupt', `${file}: ${what}; the store will not start with a hole in its history`, { file, offset });
  const result = await replayWal(
    segments,
    {
      segment(seg) {
        if (seg.startRev > mvcc.revision + 1) {
          throw bad(
            seg.path,
            0,
            `segment starts at revision ${seg.startRev} but the data before it ends at revision ${mvcc.revision} (a WAL segment or snapshot is missing)`,
          );
        }
      },
      entry(e, file, offset, index) {
        const at = `record ${index} at byte offset ${offset}`;
        if (e.op === OP_COMPACT) {
          if (e.rev > mvcc.revision) throw bad(file, offset, `${at}: compaction to revision ${e.rev} beyond revision ${mvcc.revision}`);
          mvcc.compact(e.rev);
          return;
        }
        if (e.rev <= mvcc.revision) return; // already in the snapshot
        if (e.rev !== mvcc.revision + 1) {
          throw bad(file, offset, `${at}: revision ${e.rev} follows revision ${mvcc.revision} (revisions ${mvcc.revision + 1}..${e.rev - 1} are missing)`);
        }
        mvcc.apply(e.op, e.rev, e.key, e.data);
      },
    },
    notice,
  );
  return { ...result, mvcc, snapshotRevision: newest?.revision ?? 0 };
}

/**
 * Removes what the snapshot at `snapshotRevision` makes unnecessary: older snapshots and WAL
 * segments all of whose entries it holds (those followed by a segment starting at or before
 * the revision after it).
 */
export async function pruneFiles(dir: string, snapshotRevision: number): Promise<void> {
  const files = await readdir(dir);
  const segments = listSegments(dir, files);
  let removed = false;
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i + 1]!.startRev <= snapshotRevision + 1) {
      await rm(segments[i]!.path);
      removed = true;
    }
  }
  for (const snap of listSnapshots(dir, files)) {
    if (snap.revision < snapshotRevision) {
      await rm(snap.path);
      removed = true;
    }
  }
  if (removed) await fsyncDir(dir);
}
