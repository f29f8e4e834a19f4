import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { EmbeddedStore, objectKey, prefixKey, StoreError, type EmbeddedStoreConfig } from '../../src/store/index.js';
import { take } from './contract.js';

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function tempDir(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-recovery-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function open(dir: string, extra: Partial<EmbeddedStoreConfig> = {}, notices: string[] = []): Promise<EmbeddedStore> {
  return EmbeddedStore.open({ dir, onNotice: (m) => notices.push(m), ...extra });
}

const key = (i: number) => objectKey('things', 'ns', `t${String(i).padStart(4, '0')}`);
const thing = (i: number) => ({ metadata: { name: `t${i}` }, n: i });

/** Creates `n` objects one after the other (one WAL record each) and closes the store. */
async function fill(dir: string, n: number, extra: Partial<EmbeddedStoreConfig> = {}): Promise<number> {
  const store = await open(dir, extra);
  for (let i = 0; i < n; i++) await store.create(key(i), thing(i));
  const rev = await store.currentRevision();
  await store.close();
  return rev;
}

async function files(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
}

async function flipByte(path: string, offset: number): Promise<void> {
  const buf = await readFile(path);
  buf[offset]! ^= 0x5a;
  await writeFile(path, buf);
}

async function openError(t: ExecutionContext, dir: string): Promise<StoreError> {
  const err = await t.throwsAsync(open(dir), { instanceOf: StoreError });
  return err;
}

const FILE_HEADER = 16;
const FRAME_HEADER = 12;

const tornTails: Array<[string, (path: string) => Promise<void>]> = [
  ['a partial frame header', (p) => appendFile(p, Buffer.from([0, 0, 1]))],
  [
    'a frame cut short',
    async (p) => {
      const header = Buffer.alloc(FRAME_HEADER);
      header.writeUInt32BE(1000, 0);
      header.writeUInt32BE(12345, 4);
      header.writeUInt32BE(crc32(header.subarray(0, 8)), 8);
      await appendFile(p, Buffer.concat([header, Buffer.alloc(100, 7)]));
    },
  ],
  ['a zero-filled tail', (p) => appendFile(p, Buffer.alloc(4096))],
  [
    'a last record failing its checksum',
    async (p) => {
      const size = (await stat(p)).size;
      await flipByte(p, size - 3);
    },
  ],
];

for (const [what, damage] of tornTails) {
  test(`torn tail (${what}) is truncated with a notice; acknowledged data stays`, async (t) => {
    const dir = await tempDir(t);
    const rev = await fill(dir, 20);
    const [wal] = await files(dir, '.log');
    const goodSize = (await stat(wal!)).size;
    await damage(wal!);
    const lastRecordLost = what.startsWith('a last record');

    const notices: string[] = [];
    const store = await open(dir, {}, notices);
    t.is(notices.length, 1);
    t.regex(notices[0]!, /torn write/);
    t.true(notices[0]!.includes(wal!), 'the notice names the file');
    t.is(await store.currentRevision(), lastRecordLost ? rev - 1 : rev);
    t.is((await store.list(prefixKey('things'))).items.length, lastRecordLost ? 19 : 20);
    if (!lastRecordLost) t.is((await stat(wal!)).size, goodSize, 'cut back to the last good record');
    const more = await store.create(key(100), thing(100));
    await store.close();

    const again: string[] = [];
    const reopened = await open(dir, {}, again);
    t.deepEqual(again, [], 'the repaired log opens cleanly');
    t.deepEqual(await reopened.get(key(100)), more);
    await reopened.close();
  });
}

test('a checksum error in the middle of the WAL stops open with Corrupt naming file, offset and record', async (t) => {
  const dir = await tempDir(t);
  await fill(dir, 5);
  const [wal] = await files(dir, '.log');
  await flipByte(wal!, FILE_HEADER + FRAME_HEADER + 10);
  const err = await openError(t, dir);
  t.is(err.code, 'Corrupt');
  t.is(err.file, wal);
  t.is(err.offset, FILE_HEADER);
  t.true(err.message.includes(wal!));
  t.regex(err.message, /record 0: checksum mismatch/);
  t.regex(err.message, /byte offset 16/);
  // It never starts empty instead, and releases its lock.
  await t.throwsAsync(open(dir), { code: 'Corrupt' });
});

test('a damaged frame header in the middle of the WAL stops open with Corrupt', async (t) => {
  const dir = await tempDir(t);
  await fill(dir, 5);
  const [wal] = await files(dir, '.log');
  await flipByte(wal!, FILE_HEADER + 1);
  const err = await openError(t, dir);
  t.is(err.code, 'Corrupt');
  t.regex(err.message, /record 0: frame header checksum mismatch/);
});

test('a WAL of another format version, or not a WAL at all, stops open with Corrupt', async (t) => {
  const dir = await tempDir(t);
  await fill(dir, 3);
  const [wal] = await files(dir, '.log');
  const buf = await readFile(wal!);
  buf.writeUInt32BE(2, 8);
  buf.writeUInt32BE(crc32(buf.subarray(0, 12)), 12);
  await writeFile(wal!, buf);
  const err = await openError(t, dir);
  t.is(err.code, 'Corrupt');
  t.is(err.file, wal);
  t.regex(err.message, /format version 2, this build reads version 1/);

  buf.write('NOTAWAL!', 0, 'latin1');
  await writeFile(wal!, buf);
  t.regex((await openError(t, dir)).message, /bad magic/);
});

async function withSnapshot(dir: string): Promise<{ rev: number; snap: string }> {
  const rev = await fill(dir, 300, { snapshotEveryBytes: 4096 });
  const snaps = await files(dir, '.snap');
  if (snaps.length !== 1) throw new Error(`expected one snapshot, found ${snaps.length}`);
  return { rev, snap: snaps[0]! };
}

test('a corrupt or truncated snapshot stops open with Corrupt naming the snapshot', async (t) => {
  const dir = await tempDir(t);
  const { snap } = await withSnapshot(dir);
  const good = await readFile(snap);
  await flipByte(snap, Math.floor(good.length / 2));
  const err = await openError(t, dir);
  t.is(err.code, 'Corrupt');
  t.is(err.file, snap);
  t.regex(err.message, /snapshot/);

  await writeFile(snap, good.subarray(0, good.length - 40));
  const cut = await openError(t, dir);
  t.is(cut.code, 'Corrupt');
  t.true(cut.message.includes(snap));

  await writeFile(snap, good);
  const store = await open(dir);
  t.is((await store.list(prefixKey('things'))).items.length, 300);
  await store.close();
});

test('a missing snapshot or WAL segment stops open: it never starts empty or with a hole', async (t) => {
  const dir = await tempDir(t);
  const { snap } = await withSnapshot(dir);
  await rm(snap);
  const err = await openError(t, dir);
  t.is(err.code, 'Corrupt');
  t.regex(err.message, /missing/);

  // A segment that does not follow on from the one before it: revisions in between are gone.
  const dir2 = await tempDir(t);
  await fill(dir2, 10);
  const [wal] = await files(dir2, '.log');
  await writeFile(join(dir2, 'wal-0000000000000050.log'), await readFile(wal!));
  const hole = await openError(t, dir2);
  t.is(hole.code, 'Corrupt');
  t.regex(hole.message, /starts at revision 50 but the data before it ends at revision 11/);
});

test('restart: revisions continue, history and the compaction point survive', async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  const a1 = await store.create(key(1), thing(1));
  const a2 = await store.update(key(1), { ...a1, n: 2 });
  const b1 = await store.create(key(2), thing(2));
  await store.delete(key(2));
  const a3 = await store.update(key(1), { ...a2, n: 3 });
  await store.compact(Number(a1.metadata!.resourceVersion) + 1);
  const rev = await store.currentRevision();
  await store.close();

  const reopened = await open(dir);
  t.is(await reopened.currentRevision(), rev);
  t.deepEqual(await reopened.get(key(1)), a3);
  await t.throwsAsync(reopened.get(key(2)), { code: 'NotFound' });
  t.deepEqual((await reopened.list(prefixKey('things'), { revision: Number(b1.metadata!.resourceVersion) })).items, [a2, b1]);
  await t.throwsAsync(reopened.list(prefixKey('things'), { revision: Number(a1.metadata!.resourceVersion) }), { code: 'Compacted' });
  const w = await reopened.watch(prefixKey('things'), { revision: Number(a2.metadata!.resourceVersion) });
  t.deepEqual((await take(w, 3)).map((e) => e.type), ['ADDED', 'DELETED', 'MODIFIED']);
  w.stop();
  const next = await reopened.create(key(3), thing(3));
  t.is(Number(next.metadata!.resourceVersion), rev + 1);
  await reopened.close();
});

test('snapshots: old WAL segments and snapshots are removed; a reopen restores the same state and history', async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir, { snapshotEveryBytes: 8192 });
  for (let i = 0; i < 400; i++) {
    const o = await store.create(key(i), thing(i));
    if (i % 2 === 0) await store.update(key(i), { ...o, n: -i });
    if (i % 5 === 0) await store.delete(key(i));
  }
  const mid = Math.floor((await store.currentRevision()) / 2);
  const before = await store.list(prefixKey('things'));
  const beforeMid = await store.list(prefixKey('things'), { revision: mid });
  await store.close();
  t.is((await files(dir, '.snap')).length, 1);
  t.true((await files(dir, '.log')).length <= 2);

  const reopened = await open(dir);
  t.deepEqual(await reopened.list(prefixKey('things')), before);
  t.deepEqual(await reopened.list(prefixKey('things'), { revision: mid }), beforeMid);
  const w = await reopened.watch(prefixKey('things'), { revision: before.revision - 10 });
  t.deepEqual((await take(w, 10)).map((e) => e.revision), Array.from({ length: 10 }, (_, i) => before.revision - 9 + i));
  w.stop();
  await reopened.close();
});

test('group commit: concurrent writes share WAL records; a queued write is invisible until durable', async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  const pending = store.create(key(0), thing(0));
  await t.throwsAsync(store.get(key(0)), { code: 'NotFound' });
  await pending;
  await Promise.all(Array.from({ length: 64 }, (_, i) => store.create(key(i + 1), thing(i + 1))));
  await store.close();
  const [wal] = await files(dir, '.log');
  const buf = await readFile(wal!);
  let records = 0;
  for (let off = FILE_HEADER; off < buf.length; off += FRAME_HEADER + buf.readUInt32BE(off)) records++;
  t.true(records <= 4, `65 writes in ${records} records`);
});

test('lock: a second opener of the same dir is refused, a stale lock is taken over', async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir);
  const same = await t.throwsAsync(open(dir), { instanceOf: StoreError });
  t.regex(same.message, /in use/);
  await store.close();

  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.teardown(() => sleeper.kill('SIGKILL'));
  await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: sleeper.pid, start: null }));
  const other = await t.throwsAsync(open(dir), { instanceOf: StoreError });
  t.true(other.message.includes(`process ${sleeper.pid}`));

  sleeper.kill('SIGKILL');
  await new Promise((resolve) => sleeper.once('exit', resolve));
  const notices: string[] = [];
  const taken = await open(dir, {}, notices);
  t.regex(notices.join('\n'), /stale lock/);
  await taken.close();
});

test('auto-compaction keeps history bounded by revisions and by age', async (t) => {
  const dir = await tempDir(t);
  const store = await open(dir, { retainRevisions: 100, compactionIntervalMs: 20 });
  for (let i = 0; i < 100; i++) await Promise.all(Array.from({ length: 6 }, (_, j) => store.create(key(i * 6 + j), thing(i))));
  await until(() => store.stats().compactRevision >= store.stats().revision - 110, 'compaction by revisions');
  const s = store.stats();
  t.true(s.compactRevision >= s.revision - 110, `compacted to ${s.compactRevision} of ${s.revision}`);
  t.true(s.historyLength <= 130, `history of ${s.historyLength}`);
  t.is(s.keys, 600);
  await t.throwsAsync(store.list(prefixKey('things'), { revision: 5 }), { code: 'Compacted' });
  await store.close();

  const dir2 = await tempDir(t);
  const aged = await open(dir2, { retainMs: 60, compactionIntervalMs: 20 });
  for (let i = 0; i < 20; i++) await aged.create(key(i), thing(i));
  await until(() => aged.stats().compactRevision >= 21, 'compaction by age');
  t.true(aged.stats().historyLength <= 1, `history of ${aged.stats().historyLength} after all of it aged out`);
  await aged.close();
});
