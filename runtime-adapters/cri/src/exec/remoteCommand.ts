import { PassThrough, Writable } from 'node:stream';
import type { ExecSession } from '@corral/core/kernel';
import { SpdyConnection } from './SpdyConnection.js';

// The Kubernetes remote command protocol, version 4, as a CRI streaming server (the URL an
// Exec call returns) speaks it over SPDY: the client opens one stream per channel, named by
// its `streamType` header, and the server ends with a JSON Status on the error stream that
// carries the exit code. Closing the stdin stream is EOF for the command (Ctrl-D with a TTY).

export const PROTOCOL = 'v4.channel.k8s.io';
const CTRL_D = 0x04;

interface Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The exit code a v4 Status carries: 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: Status, what = 'exec'): number {
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  throw new Error(`${what} failed: ${status.message ?? JSON.stringify(status)}`);
}

/** `what` names the command and container in errors. */
export async function openExecStream(url: string, options: { stdin: boolean; tty: boolean }, what: string): Promise<ExecSession> {
  const connection = await SpdyConnection.connect(url, [PROTOCOL]);
  if (connection.protocol !== PROTOCOL) {
    connection.close();
    throw new Error(`the streaming server at ${new URL(url).origin} chose protocol ${JSON.stringify(connection.protocol)}; Corral speaks ${PROTOCOL}`);
  }
  // The server waits for exactly the streams the Exec request announced, error first.
  const errorStream = connection.openStream({ streamType: 'error' });
  const stdinStream = options.stdin ? connection.openStream({ streamType: 'stdin' }) : undefined;
  const stdoutStream = connection.openStream({ streamType: 'stdout' });
  const stderrStream = options.tty ? undefined : connection.openStream({ streamType: 'stderr' });
  const resizeStream = options.tty ? connection.openStream({ streamType: 'resize' }) : undefined;

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdoutStream.on('data', (d) => stdout.write(d));
  stdoutStream.on('end', () => stdout.end());
  if (stderrStream) {
    stderrStream.on('data', (d) => stderr.write(d));
    stderrStream.on('end', () => stderr.end());
  } else stderr.end();

  const exitCode = new Promise<number>((resolve, reject) => {
    const chunks: Buffer[] = [];
    errorStream.on('data', (d) => chunks.push(d));
    errorStream.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      // Version 4 always ends with a Status, Success included: without one the connection broke.
      if (!text) return reject(new Error(`${what}: the stream closed before the command reported its exit status`));
      try {
        resolve(exitCodeOf(JSON.parse(text) as Status, what));
      } catch (err) {
        reject(err instanceof SyntaxError ? new Error(`${what} failed: ${text}`) : err);
      }
    });
    connection.on('error', reject);
  });
  // Callers that only read the streams must not crash the process with an unhandled rejection.
  exitCode.catch(() => undefined);
  // The connection has served its purpose once the command ended and its output arrived.
  void Promise.allSettled([exitCode, ended(stdout), ended(stderr)]).then(() => connection.close());

  const stdin = stdinStream
    ? new Writable({
        write(chunk: Buffer, _encoding, callback) {
          stdinStream.write(chunk);
          callback();
        },
        final(callback) {
          // At a terminal, end of input is Ctrl-D. Closing the stream instead would make
          // containerd close the terminal's output as well (its stdin-once rule for TTYs), and
          // what the command writes after that would be lost.
          if (options.tty) stdinStream.write(Buffer.from([CTRL_D]));
          else stdinStream.end();
          callback();
        },
      })
    : undefined;

  return {
    ...(stdin ? { stdin } : {}),
    stdout,
    stderr,
    exitCode,
    ...(resizeStream ? { resize: (cols: number, rows: number) => resizeStream.write(Buffer.from(JSON.stringify({ Width: cols, Height: rows }))) } : {}),
  };
}

function ended(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableEnded) resolve();
    else stream.once('finish', () => resolve());
  });
}
