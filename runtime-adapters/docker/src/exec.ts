import { PassThrough, Writable } from 'node:stream';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecOptions, ExecSession } from '@corral/core/kernel';
import { FrameReader } from './frames.js';

const POLL_MS = 50;
const EOT = Buffer.from([4]);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The exit code, once the daemon has recorded that the exec ended. */
async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    await sleep(POLL_MS);
  }
}

/**
 * Runs a command in a running container over a hijacked connection: stdin goes to the
 * connection (ending it half-closes, which closes the process's stdin), output comes back
 * multiplexed unless a TTY was asked for.
 */
export async function startExec(docker: Docker, containerId: string, options: ExecOptions): Promise<ExecSession> {
  const tty = options.tty ?? false;
  const wantsStdin = options.stdin ?? false;
  const exec = await docker.getContainer(containerId).exec({
    Cmd: [...options.command],
    AttachStdin: wantsStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
  });
  const socket = (await exec.start({ hijack: true, stdin: wantsStdin, Tty: tty })) as unknown as Duplex;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    if (tty) stdout.write(chunk);
    else for (const frame of reader.push(chunk)) (frame.stream === 'stderr' ? stderr : stdout).write(frame.payload);
  });
  const ended = new Promise<void>((resolve) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) {
        stdout.destroy(err);
        stderr.destroy(err);
      } else {
        stdout.end();
        stderr.end();
      }
      resolve();
    };
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => finish(err));
  });
  const exitCode = ended.then(() => exitCodeOf(exec));
  // Nobody may be waiting for the code; its failure must not become an unhandled rejection.
  exitCode.catch(() => undefined);

  let stdin: Writable | undefined;
  if (wantsStdin) {
    stdin = new Writable({
      write(chunk: Buffer, _enc, callback) {
        socket.write(chunk, callback);
      },
      final(callback) {
        // Docker stops copying a TTY's output once its input closes; the terminal's own EOF
        // (^D) ends the process's input without that.
        if (tty) socket.write(EOT, () => callback());
        else {
          socket.end();
          callback();
        }
      },
    });
  }
  return {
    stdin,
    stdout,
    stderr,
    exitCode,
    resize: tty
      ? (cols: number, rows: number) => {
          exec.resize({ w: cols, h: rows }).catch(() => undefined);
        }
      : undefined,
  };
}
