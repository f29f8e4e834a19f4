import type Docker from 'dockerode';
import type { ImageInfo } from '@corral/core/kernel';
import { isNotFound } from './connection.js';

/** An image reference with Docker's implied `:latest`, as the pull API wants it. */
export function withTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSlash = image.lastIndexOf('/');
  return image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

export async function inspectImage(docker: Docker, image: string): Promise<ImageInfo | undefined> {
  try {
    const info = await docker.getImage(image).inspect();
    return { ref: info.Id, size: info.Size };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

interface ProgressLine {
  error?: string;
  errorDetail?: { message?: string };
}

/** Reads a pull or import progress stream to its end; the daemon reports failures inside it. */
export function readProgress(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let failed: string | undefined;
    const consume = (line: string) => {
      if (!line.trim()) return;
      try {
        const event = JSON.parse(line) as ProgressLine;
        failed ??= event.errorDetail?.message ?? event.error;
      } catch {
        // a progress line we cannot read says nothing about success
      }
    };
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        consume(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
      }
    });
    stream.on('error', reject);
    stream.on('end', () => {
      consume(buffered);
      if (failed) reject(new Error(failed));
      else resolve();
    });
  });
}

export async function pull(docker: Docker, image: string): Promise<void> {
  const stream = (await docker.pull(withTag(image))) as NodeJS.ReadableStream;
  await readProgress(stream);
}
