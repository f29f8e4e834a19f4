// The CRI container log format, one record per line:
//   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>
// `P` marks a partial line (the runtime split a long line, or the process wrote without a
// newline yet); the following records up to an `F` complete it. This parser takes file bytes
// in any chunking and hands out whole log lines.

export interface LogLine {
  /** The timestamp as the runtime wrote it (RFC 3339 with nanoseconds, any offset). */
  readonly time: string;
  /** Milliseconds since the epoch. */
  readonly ms: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: Buffer;
  /** false for the remainder of a partial line flushed at the end of a read. */
  readonly complete: boolean;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

interface Pending {
  time: string;
  stream: 'stdout' | 'stderr';
  parts: Buffer[];
}

export class CriLogParser {
  private rest: Buffer = Buffer.alloc(0);
  /** Partial records per stream, waiting for their `F`. */
  private readonly pending = new Map<string, Pending>();

  /** Feeds bytes; returns the lines they completed. */
  push(chunk: Buffer): LogLine[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: LogLine[] = [];
    let start = 0;
    for (;;) {
      const end = data.indexOf(NEWLINE, start);
      if (end < 0) break;
      const line = this.record(data.subarray(start, end));
      if (line) lines.push(line);
      start = end + 1;
    }
    this.rest = Buffer.from(data.subarray(start));
    return lines;
  }

  /** What is left once the file will not grow: partial lines, as they are. */
  flush(): LogLine[] {
    const lines: LogLine[] = [];
    if (this.rest.length > 0) {
      const line = this.record(this.rest);
      this.rest = Buffer.alloc(0);
      if (line) lines.push(line);
    }
    for (const p of this.pending.values()) lines.push(makeLine(p.time, p.stream, Buffer.concat(p.parts), false));
    this.pending.clear();
    return lines;
  }

  private record(raw: Buffer): LogLine | undefined {
    const s1 = raw.indexOf(SPACE);
    const s2 = s1 < 0 ? -1 : raw.indexOf(SPACE, s1 + 1);
    const s3 = s2 < 0 ? -1 : raw.indexOf(SPACE, s2 + 1);
    // A tag with nothing after it is an empty line ("... stdout F" with no trailing space).
    const tagEnd = s3 < 0 ? raw.length : s3;
    if (s2 < 0) return undefined;
    const time = raw.subarray(0, s1).toString('latin1');
    const stream = raw.subarray(s1 + 1, s2).toString('latin1');
    const tag = raw.subarray(s2 + 1, tagEnd).toString('latin1');
    if ((stream !== 'stdout' && stream !== 'stderr') || Number.isNaN(Date.parse(time))) return undefined;
    const text = s3 < 0 ? Buffer.alloc(0) : raw.subarray(s3 + 1);
    const pending = this.pending.get(stream);
    if (tag.split(':')[0] === 'P') {
      if (pending) pending.parts.push(Buffer.from(text));
      else this.pending.set(stream, { time, stream, parts: [Buffer.from(text)] });
      return undefined;
    }
    if (!pending) return makeLine(time, stream, Buffer.from(text), true);
    this.pending.delete(stream);
    return makeLine(pending.time, stream, Buffer.concat([...pending.parts, text]), true);
  }
}

function makeLine(time: string, stream: 'stdout' | 'stderr', text: Buffer, complete: boolean): LogLine {
  return { time, ms: Date.parse(time), stream, text, complete };
}

/** The timestamp in UTC, keeping every fractional digit the runtime wrote (kubelet's form). */
export function utcTimestamp(time: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(time);
  if (!match) return new Date(Date.parse(time)).toISOString();
  const [, seconds, fraction = '', zone] = match;
  if (zone === 'Z') return time;
  // Offsets are whole minutes, so only the seconds part moves; the fraction stays as written.
  const shifted = new Date(Date.parse(`${seconds}${zone}`)).toISOString().slice(0, 19);
  return `${shifted}${fraction}Z`;
}
