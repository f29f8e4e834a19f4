import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { LogOptions } from '@corral/core/kernel';
import { FrameReader } from './frames.js';

/**
 * The container's output as one stream, stdout and stderr interleaved in the order Docker
 * stored them. Errors (a missing container) arrive as the stream's error.
 */
export function containerLogs(docker: Docker | Promise<Docker>, containerId: string, options: LogOptions, explain: (err: unknown) => Error): Readable {
  const out = new PassThrough();
  const signal = options.signal;
  let source: NodeJS.ReadableStream | undefined;
  const stop = () => {
    (source as Readable | undefined)?.destroy?.();
    out.end();
  };
  if (signal?.aborted) {
    out.end();
    return out;
  }
  signal?.addEventListener('abort', stop, { once: true });
  out.on('close', () => {
    signal?.removeEventListener('abort', stop);
    (source as Readable | undefined)?.destroy?.();
  });

  void (async () => {
    const client = await docker;
    const container = client.getContainer(containerId);
    const info = await container.inspect();
    const query: Record<string, unknown> = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      tail: options.tailLines !== undefined ? String(options.tailLines) : 'all',
    };
    // The daemon takes fractional seconds.
    if (options.since !== undefined) query.since = (options.since / 1000).toFixed(3);
    const tty = info.Config.Tty;
    // Straight to the modem so the answer is a stream whether or not it follows.
    const stream = await openLogStream(client, containerId, { ...query, follow: options.follow ?? false });
    source = stream;
    if (out.destroyed || out.writableEnded) {
      (stream as Readable).destroy();
      return;
    }
    const reader = new FrameReader();
    const write = (bytes: Buffer) => {
      if (!out.write(bytes)) stream.pause();
    };
    out.on('drain', () => stream.resume());
    stream.on('data', (chunk: Buffer) => {
      if (tty) write(chunk);
      else for (const frame of reader.push(chunk)) write(frame.payload);
    });
    stream.on('end', () => out.end());
    stream.on('error', (err) => out.destroy(explain(err)));
  })().catch((err: unknown) => out.destroy(explain(err)));
  return out;
}

function openLogStream(docker: Docker, containerId: string, options: Record<string, unknown>): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(containerId)}/logs?`,
        method: 'GET',
        options,
        isStream: true,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)),
    );
  });
}
