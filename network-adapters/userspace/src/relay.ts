// The proxy's copy loop: bytes read on one socket are written to the other as they come, the
// reader pausing while the writer's buffer is full. A bare 'data'/'drain'/'end' relay rather
// than stream.pipe: pipe wires eight listeners and an unpipe protocol per direction, which on a
// connection that carries one request is a good part of what the proxy spends on it. The
// listeners are the same four functions for every connection (each finds its peer on the
// socket), so a connection costs no closures of its own.
import type { OnReadOpts, Socket } from 'node:net';

const PEER = Symbol('corral.relay.peer');

/** A socket relayed to another: its peer, set once both are connected. */
type Relayed = Socket & { [PEER]?: Socket };

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
  (a as Relayed)[PEER] = b;
  (b as Relayed)[PEER] = a;
  wire(a);
  wire(b);
}

/** The socket `s` relays to, if any. */
export function peerOf(s: Socket): Socket | undefined {
  return (s as Relayed)[PEER];
}

function wire(s: Socket): void {
  // (A socket made with readInto() emits no 'data': its chunks are written from there.)
  s.on('data', onData);
  s.on('drain', onDrain);
  // A half-close passes on: the other side may still answer.
  s.on('end', onEnd);
  s.on('close', onClose);
}

function onData(this: Relayed, chunk: Buffer): void {
  if (!this[PEER]!.write(chunk)) this.pause();
}

function onDrain(this: Relayed): void {
  this[PEER]!.resume();
}

function onEnd(this: Relayed): void {
  this[PEER]!.end();
}

function onClose(this: Relayed): void {
  this[PEER]!.destroy();
}
