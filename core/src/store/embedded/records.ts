import { corruptRecord } from './framing.js';

// The entries inside WAL and snapshot frames. One frame holds a batch:
//   count (u32) | entries
//   entry: op (u8) | rev (u48) | createRev (u48) | key length (u32) | key | data length (u32) | data
// A data length of 0xffffffff means "no data" (a deletion or a tombstone).

export const OP_PUT = 1;
export const OP_DELETE = 2;
export const OP_COMPACT = 3;

export interface Entry {
  op: number;
  /** The mutation's revision; for OP_COMPACT, the compaction revision. */
  rev: number;
  /** Creation revision of the key (snapshots only; 0 in the WAL, where replay derives it). */
  createRev: number;
  key: string;
  data: string | null;
}

const NO_DATA = 0xffffffff;
const FIXED = 1 + 6 + 6 + 4 + 4;

export function encodeEntries(entries: readonly Entry[]): Buffer {
  let size = 4;
  const keyLens = new Array<number>(entries.length);
  const dataLens = new Array<number>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    keyLens[i] = Buffer.byteLength(e.key);
    dataLens[i] = e.data === null ? 0 : Buffer.byteLength(e.data);
    size += FIXED + keyLens[i]! + dataLens[i]!;
  }
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32BE(entries.length, 0);
  let off = 4;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    buf.writeUInt8(e.op, off);
    buf.writeUIntBE(e.rev, off + 1, 6);
    buf.writeUIntBE(e.createRev, off + 7, 6);
    buf.writeUInt32BE(keyLens[i]!, off + 13);
    off += 17;
    off += buf.write(e.key, off, 'utf8');
    if (e.data === null) {
      buf.writeUInt32BE(NO_DATA, off);
      off += 4;
    } else {
      buf.writeUInt32BE(dataLens[i]!, off);
      off += 4;
      off += buf.write(e.data, off, 'utf8');
    }
  }
  return buf;
}

/** Decodes one frame's entries; structural damage (a checksum passed, so a bug or a foreign file) is Corrupt. */
export function decodeEntries(payload: Buffer, file: string, frameOffset: number, frameIndex: number): Entry[] {
  const bad = (what: string) => corruptRecord(file, frameOffset, frameIndex, what);
  if (payload.length < 4) throw bad('payload shorter than its entry count');
  const count = payload.readUInt32BE(0);
  const entries: Entry[] = new Array(count);
  let off = 4;
  for (let i = 0; i < count; i++) {
    if (off + 17 > payload.length) throw bad(`entry ${i} of ${count} runs past the end of the record`);
    const op = payload.readUInt8(off);
    if (op !== OP_PUT && op !== OP_DELETE && op !== OP_COMPACT) throw bad(`entry ${i} has unknown operation ${op}`);
    const rev = payload.readUIntBE(off + 1, 6);
    const createRev = payload.readUIntBE(off + 7, 6);
    const keyLen = payload.readUInt32BE(off + 13);
    off += 17;
    if (off + keyLen + 4 > payload.length) throw bad(`entry ${i}: key runs past the end of the record`);
    const key = payload.toString('utf8', off, off + keyLen);
    off += keyLen;
    const dataLen = payload.readUInt32BE(off);
    off += 4;
    let data: string | null = null;
    if (dataLen !== NO_DATA) {
      if (off + dataLen > payload.length) throw bad(`entry ${i}: value runs past the end of the record`);
      data = payload.toString('utf8', off, off + dataLen);
      off += dataLen;
    }
    if (op === OP_PUT && data === null) throw bad(`entry ${i}: a put without a value`);
    entries[i] = { op, rev, createRev, key, data };
  }
  if (off !== payload.length) throw bad(`${payload.length - off} stray bytes after ${count} entries`);
  return entries;
}
