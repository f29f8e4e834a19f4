import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../api/errors.js';
import type { AgentServerOptions, Route } from './AgentServer.js';

// GET /containerLogs/{namespace}/{pod}/{container}: the runtime's log of the container (or of
// its previous instance), with kubelet's query: follow, tailLines, sinceSeconds, sinceTime,
// timestamps, limitBytes.

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1' || v === '';
}

function integer(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw ApiError.badRequest(`${name} must be a non-negative integer, not ${JSON.stringify(v)}`);
  return n;
}

export async function serveLogs(_req: IncomingMessage, res: ServerResponse, r: Route, options: AgentServerOptions): Promise<void> {
  const q = r.query;
  const tailLines = integer(q, 'tailLines');
  const sinceSeconds = integer(q, 'sinceSeconds');
  const limitBytes = integer(q, 'limitBytes');
  const sinceTime = q.get('sinceTime');
  const since = sinceSeconds !== undefined ? Date.now() - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  if (since !== undefined && Number.isNaN(since)) throw ApiError.badRequest(`sinceTime must be an RFC 3339 time, not ${JSON.stringify(sinceTime)}`);
  const id = await options.lookup(r.namespace, r.pod, r.container, flag(q, 'previous'));
  const abort = new AbortController();
  const stream = options.runtime.logs(id, { follow: flag(q, 'follow'), tailLines, since, timestamps: flag(q, 'timestamps'), signal: abort.signal });
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.flushHeaders();
  let sent = 0;
  const stop = (): void => {
    abort.abort();
    stream.destroy();
  };
  res.once('close', stop);
  stream.on('data', (chunk: Buffer | string) => {
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (limitBytes !== undefined) {
      data = data.subarray(0, Math.max(0, limitBytes - sent));
      sent += data.length;
    }
    if (data.length > 0) res.write(data);
    if (limitBytes !== undefined && sent >= limitBytes) {
      res.end();
      stop();
    }
  });
  stream.once('end', () => res.end());
  stream.once('error', () => res.end());
}
