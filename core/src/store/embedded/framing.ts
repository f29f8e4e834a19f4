import { crc32 } from 'node:zlib';
import { StoreError } from '../errors.js';

// On-disk framing shared by the WAL and snapshots.
//
// File header (16 bytes): magic (8) | format version (u32 BE) | crc32 of the first 12 bytes.
// Frame: payload length (u32 BE) | crc32(payload) | crc32(the first 8 bytes) | payload.
// The header checksum makes the length trustworthy, so a frame that runs past the end of the
// file is known to be a torn write rather than a corrupted length.

export const FORMAT_VERSION = 1;
export const WAL_MAGIC = Buffer.from('CORRWAL\n', 'latin1');
export const SNAP_MAGIC = Buffer.from('CORRSNP\n', 'latin1');
export const FILE_HEADER_SIZE = 16;
export const FRAME_HEADER_SIZE = 12;
/** Larger lengths cannot come from this code: such a header is corrupt. */
export const MAX_FRAME = 1 << 30;

export function fileHeader(magic: Buffer): Buffer {
  const buf = Buffer.alloc(FILE_HEADER_SIZE);
  magic.copy(buf, 0);
  buf.writeUInt32BE(FORMAT_VERSION, 8);
  buf.writeUInt32BE(crc32(buf.subarray(0, 12)), 12);
  return buf;
}

function corrupt(file: string, offset: number, what: string): StoreError {
  return new StoreError('Corrupt', `${file}: ${what} (at byte offset ${offset}); the store will not start on damaged data`, {
    file,
    offset,
  });
}

/** Checks a file header; throws Corrupt naming the file and what is wrong. */
export function checkFileHeader(buf: Buffer, file: string, magic: Buffer): void {
  if (buf.length < FILE_HEADER_SIZE) {
    throw corrupt(file, 0, `file is ${buf.length} bytes, shorter than its ${FILE_HEADER_SIZE}-byte header`);
  }
  if (!buf.subarray(0, 8).equals(magic)) {
    throw corrupt(file, 0, `bad magic ${JSON.stringify(buf.subarray(0, 8).toString('latin1'))}, expected ${JSON.stringify(magic.toString('latin1'))}`);
  }
  const stored = buf.readUInt32BE(12);
  const computed = crc32(buf.subarray(0, 12));
  if (stored !== computed) {
    throw corrupt(file, 12, `header checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`);
  }
  const version = buf.readUInt32BE(8);
  if (version !== FORMAT_VERSION) {
    throw corrupt(file, 8, `format version ${version}, this build reads version ${FORMAT_VERSION}`);
  }
}

export function frame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER_SIZE + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.writeUInt32BE(crc32(payload), 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  payload.copy(out, FRAME_HEADER_SIZE);
  return out;
}

export interface Frame {
  /** Byte offset of the frame header in the file. */
  offset: number;
  /** 0-based index of the frame in the file. */
  index: number;
  payload: Buffer;
}

export interface FrameScan {
  frames: Frame[];
  /** End of the last good frame: everything after it is a torn tail (if `torn` is set). */
  validEnd: number;
  torn?: string;
}

function allZero(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Reads the frames of `buf` from `start`. A damaged last frame (one that runs past the end of
 * the file, a short header, or an all-zero tail that a crash can leave) is a torn write and is
 * reported in `torn`; damage followed by more data is corruption and throws.
 */
export function scanFrames(buf: Buffer, start: number, file: string): FrameScan {
  const frames: Frame[] = [];
  let off = start;
  while (off < buf.length) {
    const index = frames.length;
    const remaining = buf.length - off;
    if (remaining < FRAME_HEADER_SIZE) {
      return { frames, validEnd: off, torn: `a ${remaining}-byte partial frame header` };
    }
    const len = buf.readUInt32BE(off);
    const storedCrc = buf.readUInt32BE(off + 4);
    const headerCrc = buf.readUInt32BE(off + 8);
    if (crc32(buf.subarray(off, off + 8)) !== headerCrc || len > MAX_FRAME) {
      if (allZero(buf, off)) return { frames, validEnd: off, torn: `${remaining} zero bytes` };
      throw corrupt(file, off, `record ${index}: frame header checksum mismatch`);
    }
    const end = off + FRAME_HEADER_SIZE + len;
    if (end > buf.length) {
      return { frames, validEnd: off, torn: `record ${index} of ${len} bytes cut short at ${remaining - FRAME_HEADER_SIZE}` };
    }
    const payload = buf.subarray(off + FRAME_HEADER_SIZE, end);
    const computed = crc32(payload);
    if (computed !== storedCrc) {
      if (end === buf.length || allZero(buf, end)) {
        return { frames, validEnd: off, torn: `record ${index} (the last one) fails its checksum` };
      }
      throw corrupt(file, off, `record ${index}: checksum mismatch (stored ${hex(storedCrc)}, computed ${hex(computed)}) with more records after it`);
    }
    frames.push({ offset: off, index, payload });
    off = end;
  }
  return { frames, validEnd: off };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export function corruptRecord(file: string, offset: number, index: number, what: string): StoreError {
  return corrupt(file, offset, `record ${index}: ${what}`);
}
