// A long-running command (up, server, agent) outlives the terminal or parent that read its
// output: once that reader is gone, a write to stdout or stderr fails with EPIPE, which Node
// raises as an unhandled 'error' and so kills the process, in the middle of stopping its pods
// if the write was "Stopping...". Lost output is the lesser harm: such errors are dropped.

const LOST_READER = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);
const guarded = new WeakSet<NodeJS.WritableStream>();

/** Makes writes to this process's stdout and stderr harmless once their reader has gone. */
export function surviveClosedOutput(streams: readonly NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (LOST_READER.has(err.code ?? '')) return;
      // Anything else stays as fatal as it was without this listener.
      throw err;
    });
  }
}
