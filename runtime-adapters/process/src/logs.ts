import { open, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { LogOptions } from '@corral/core/kernel';
import { delay } from './procs.js';

/** One line of a CRI log file: `<RFC3339Nano> <stdout|stderr> <F|P> <text>`. */
export interface LogLine {
  readonly time: string;
  readonly stream: string;
  /** A partial line: the text continues in the next entry (no newline was written here). */
  readonly partial: boolean;
  readonly text: string;
}

export function parseLogLine(line: string): LogLine | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  const tag = line.slice(b + 1, c);
  return { time: line.slice(0, a), stream: line.slice(a + 1, b), partial: tag === 'P', text: line.slice(c + 1) };
}

/** Milliseconds since the epoch of an RFC3339Nano time (Date.parse stops at milliseconds). */
export function logTimeMs(time: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return Number.NaN;
  return Date.parse(`${match[1]}${(match[2] ?? '.0').slice(0, 4).padEnd(4, '0')}${match[3]}`);
}

function render(line: LogLine, timestamps: boolean): string {
  const text = line.partial ? line.text : `${line.text}\n`;
  return timestamps ? `${line.time} ${text}` : text;
}

/** Entries of a whole text (complete lines only), and how many bytes they took. */
function splitEntries(text: string): { entries: LogLine[]; used: number } {
  const entries: LogLine[] = [];
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    const entry = parseLogLine(text.slice(start, end));
    if (entry) entries.push(entry);
    start = end + 1;
  }
  return { entries, used: Buffer.byteLength(text.slice(0, start)) };
}

/** The last `n` lines, counting a run of partial entries and its end as one line. */
function tail(entries: LogLine[], n: number): LogLine[] {
  if (n <= 0) return [];
  let lines = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const endsLine = !entries[i]!.partial || i === entries.length - 1;
    if (endsLine && ++lines > n) return entries.slice(i + 1);
  }
  return entries;
}

/**
 * Reads a container's log file as `logs()` promises: the text as the container wrote it (or
 * with each line's time), the last `tailLines`, lines from `since`; with `follow`, keeps
 * reading what is appended until `ended()` says the container is done and all was read, or
 * the signal aborts.
 */
export function readLog(file: string, options: LogOptions, ended: () => Promise<boolean>): Readable {
  const timestamps = options.timestamps ?? false;
  const keep = (e: LogLine) => options.since === undefined || !(logTimeMs(e.time) < options.since);
  async function* lines(): AsyncGenerator<string> {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const first = splitEntries(text);
    let entries = first.entries.filter(keep);
    if (options.tailLines !== undefined) entries = tail(entries, options.tailLines);
    if (entries.length > 0) yield entries.map((e) => render(e, timestamps)).join('');
    if (!options.follow) return;

    let offset = first.used;
    const signal = options.signal;
    while (!signal?.aborted) {
      // Decide before reading, so that lines written just before the end are still read.
      const done = await ended();
      const chunk = await readFrom(file, offset);
      if (chunk.length > 0) {
        const text = chunk.toString('utf8');
        const next = splitEntries(text);
        offset += next.used;
        const fresh = next.entries.filter(keep);
        if (fresh.length > 0) yield fresh.map((e) => render(e, timestamps)).join('');
        if (next.used > 0) continue;
      }
      if (done) return;
      await sleepOrAbort(200, signal);
    }
  }
  return Readable.from(lines(), { objectMode: false });
}

async function readFrom(file: string, offset: number): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    if (size <= offset) return Buffer.alloc(0);
    const buffer = Buffer.alloc(size - offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function sleepOrAbort(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return delay(ms);
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal!.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
