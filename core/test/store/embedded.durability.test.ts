import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EmbeddedStore, isStoreError } from '../../src/store/index.js';

const writer = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'writer.js');

interface Ack {
  op: string;
  key: string;
  rev: number;
  value?: number;
}

/** Runs the writer until it has printed `acks` acknowledgements, then kill -9s it. */
async function runAndKill(dir: string, round: number, acks: number): Promise<{ acked: Ack[]; startRevision: number }> {
  const child = spawn(process.execPath, [writer, dir, String(round), '65536'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let buf = '';
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    if (lines.length > acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
  // A partial last line was never fully acknowledged to us: it does not count.
  const [ready, ...rest] = lines;
  if (!ready?.startsWith('ready ')) throw new Error(`writer did not start: ${stderr}`);
  if (rest.length < acks) throw new Error(`writer stopped after ${rest.length} acknowledgements: ${stderr}`);
  const acked = rest.map((l) => {
    const [op, key, rev, value] = l.split(' ');
    return { op: op!, key: key!, rev: Number(rev), ...(value !== undefined ? { value: Number(value) } : {}) };
  });
  return { acked, startRevision: Number(ready.split(' ')[1]) };
}

test('kill -9 mid-stream loses no acknowledged write; revisions stay monotonic across restarts', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'corral-durable-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  let lastMax = 0;
  for (let round = 0; round < 3; round++) {
    const { acked, startRevision } = await runAndKill(dir, round, 2500 + round * 700);
    t.true(startRevision >= lastMax, `round ${round} starts at revision ${startRevision} >= ${lastMax}`);

    const notices: string[] = [];
    const store = await EmbeddedStore.open({ dir, onNotice: (m) => notices.push(m) });
    try {
      const deleted = new Set(acked.filter((a) => a.op === 'D').map((a) => a.key));
      const counters = new Map<string, Ack>();
      for (const a of acked) if (a.op === 'U' || (a.op === 'C' && a.key.includes('/counters/'))) counters.set(a.key, a);
      // Each worker deletes its oldest key next: that delete may be durable without its
      // acknowledgement having been printed, so that one key per worker may be gone.
      const maybeDeleted = new Set<string>();
      const seenWorker = new Set<string>();
      for (const a of acked) {
        if (a.op !== 'C' || !a.key.includes('/things/') || deleted.has(a.key)) continue;
        const worker = a.key.slice(a.key.lastIndexOf('/') + 1).split('-')[0]!;
        if (!seenWorker.has(worker)) {
          seenWorker.add(worker);
          maybeDeleted.add(a.key);
        }
      }
      let missing = 0;
      for (const a of acked) {
        if (a.op === 'D') {
          const err = await store.get(a.key).then(() => undefined, (e: unknown) => e);
          if (!isStoreError(err, 'NotFound')) missing++;
        } else if (a.op === 'C' && !a.key.includes('/counters/') && !deleted.has(a.key)) {
          const got = await store.get(a.key).catch(() => undefined);
          if (got === undefined && maybeDeleted.has(a.key)) continue;
          if (got?.metadata?.resourceVersion !== String(a.rev)) missing++;
        }
      }
      t.is(missing, 0, `round ${round}: every acknowledged create and delete survived`);
      for (const [key, a] of counters) {
        const got = (await store.get(key)) as { n: number; metadata: { resourceVersion: string } };
        t.true(Number(got.metadata.resourceVersion) >= a.rev, `${key} at or after its acknowledged update`);
        t.true(got.n >= (a.value ?? 0));
      }
      const maxAcked = Math.max(...acked.map((a) => a.rev));
      const rev = await store.currentRevision();
      t.true(rev >= maxAcked);
      // The history is consistent: every change the watch replays is a revision in order.
      const probe = await store.create(`/registry/probes/r${round}`, { metadata: { name: 'p' } });
      t.true(Number(probe.metadata!.resourceVersion) > rev);
      lastMax = Number(probe.metadata!.resourceVersion);
      const files = await readdir(dir);
      t.true(files.filter((f) => f.endsWith('.snap')).length <= 1, `old snapshots removed on open: ${files.join(' ')}`);
      t.true(files.filter((f) => f.endsWith('.log')).length <= 2, `covered WAL segments removed on open: ${files.join(' ')}`);
    } finally {
      await store.close();
    }
  }
});
