// The proxy's copy loop: bytes read on one socket are written to the other as they come, the
// reader pausing while the writer's buffer is full. A bare 'data'/'drain'/'end' relay rather
// than stream.pipe: pipe wires eight listeners and an unpipe protocol per direction, which on a
// connection that carries one request is a good part of what the proxy spends on it.
import type { OnReadOpts, Socket } from 'node:net';

/**
 * Reads into one buffer shared by every connection (for sockets made with `onread`), which saves
 * the 64 KiB allocation Node makes for each read: each chunk is copied out at once, at its size.
 */
const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** The `onread` option for a socket whose bytes go to `to`; relay() does the rest. */
export function readInto(to: () => Socket | undefined): OnReadOpts {
  return {
    buffer: SHARED_READ_BUFFER,
    callback: (n: number, buf: Uint8Array) => {
      const target = to();
      // false pauses the reader until the target drains (relay resumes it).
      return target ? target.write(Buffer.from(buf.subarray(0, n))) : true;
    },
  };
}

/** Relays both ways between two connected sockets; either one closing closes the other. */
export function relay(a: Socket, b: Socket): void {
  forward(a, b);
  forward(b, a);
  a.on('close', () => b.destroy());
  b.on('close', () => a.destroy());
}

function forward(from: Socket, to: Socket): void {
  // (A socket made with readInto() emits no 'data': its chunks are written from there.)
  from.on('data', (chunk: Buffer) => {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', () => from.resume());
  // A half-close passes on: the other side may still answer.
  from.on('end', () => to.end());
}
