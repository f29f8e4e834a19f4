import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { LogOptions } from '@corral/core/kernel';
import { CriLogParser, utcTimestamp, type LogLine } from './CriLogParser.js';

// Reads a container's CRI log file the way `kubectl logs` shows it: the text of each line,
// stdout and stderr interleaved as written, optionally with timestamps, the last N lines,
// lines since a time, and following the file until the container stops.

const POLL_MS = 250;
/** When the container ended, how long to let the runtime write what it still holds. */
const SETTLE_MS = 150;
const CHUNK = 64 * 1024;

export type StillRunning = () => Promise<boolean>;

export function readContainerLog(path: Promise<string>, options: LogOptions, stillRunning: StillRunning): Readable {
  return Readable.from(logChunks(path, options, stillRunning), { objectMode: false });
}

async function* logChunks(pathPromise: Promise<string>, options: LogOptions, stillRunning: StillRunning): AsyncGenerator<Buffer> {
  const path = await pathPromise;
  const parser = new CriLogParser();
  const file = new LogFile(path);
  const keep = (line: LogLine): boolean => options.since === undefined || line.ms >= options.since;
  const format = (line: LogLine): Buffer => {
    const parts = options.timestamps ? [Buffer.from(`${utcTimestamp(line.time)} `), line.text] : [line.text];
    if (line.complete) parts.push(Buffer.from('\n'));
    return Buffer.concat(parts);
  };
  try {
    // What is there now, cut to the last `tailLines` lines.
    const tail = options.tailLines;
    let first: LogLine[] = [];
    for await (const chunk of file.readNew()) {
      first.push(...parser.push(chunk).filter(keep));
      if (tail !== undefined && first.length > tail) first = first.slice(first.length - tail);
    }
    if (!options.follow) {
      first.push(...parser.flush().filter(keep));
      if (tail !== undefined && first.length > tail) first = first.slice(first.length - tail);
    }
    for (const line of first) yield format(line);
    if (!options.follow) return;

    for (;;) {
      if (options.signal?.aborted) return;
      let got = false;
      for await (const chunk of file.readNew()) {
        for (const line of parser.push(chunk)) if (keep(line)) yield format(line);
        got = true;
      }
      if (got) continue;
      if (!(await stillRunning())) {
        await delay(SETTLE_MS, options.signal);
        for await (const chunk of file.readNew()) for (const line of parser.push(chunk)) if (keep(line)) yield format(line);
        for (const line of parser.flush()) if (keep(line)) yield format(line);
        return;
      }
      await delay(POLL_MS, options.signal);
    }
  } finally {
    await file.close();
  }
}

/** A log file read from where the last read stopped; absent until the runtime creates it. */
class LogFile {
  private position = 0;
  private handle: FileHandle | undefined;

  constructor(private readonly path: string) {}

  async *readNew(): AsyncGenerator<Buffer> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await this.handle.read(buffer, 0, CHUNK, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
