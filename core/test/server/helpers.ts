// A small HTTP client for the server tests (fetch, nothing else), and the shared server.
import type { ExecutionContext, TestFn } from 'ava';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { ApiObject, Status } from '../../src/api/index.js';
import { startTestApiServer, type TestApiServer, type TestApiServerOptions } from '../../src/testing/index.js';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is when a string; else as JSON. */
  contentType?: string;
  headers?: Record<string, string>;
}

export class Api {
  constructor(readonly url: string) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const res = await fetch(this.url + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>): Promise<Reply<T>> {
    return this.request<T>('GET', path, { headers });
  }

  post<T = any>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<Reply<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = any>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<Reply<T>> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  patch<T = any>(path: string, body: unknown, contentType = 'application/merge-patch+json'): Promise<Reply<T>> {
    return this.request<T>('PATCH', path, { body, contentType });
  }

  delete<T = any>(path: string, body?: unknown): Promise<Reply<T>> {
    return this.request<T>('DELETE', path, { body });
  }

  /** Opens a watch; events arrive in `events` as they come. */
  watch(path: string, headers: Record<string, string> = {}): WatchStream {
    return new WatchStream(this.url + path, headers);
  }
}

export interface WatchEventJson {
  type: string;
  object: any;
}

/**
 * A streamed response (a watch) read as it comes: `take` turns each chunk into events and the
 * waiters are woken. Subclasses say how the bytes are cut.
 */
export abstract class ResponseStream {
  status = 0;
  contentType = '';
  ended = false;
  readonly opened: Promise<number>;
  readonly done: Promise<void>;
  protected waiters: (() => void)[] = [];
  private readonly req;

  constructor(url: string, headers: Record<string, string>) {
    let opened!: (status: number) => void;
    let done!: () => void;
    this.opened = new Promise((resolve) => (opened = resolve));
    this.done = new Promise((resolve) => (done = resolve));
    const finish = (): void => {
      this.ended = true;
      this.wake();
      done();
    };
    this.req = httpRequest(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      this.contentType = String(res.headers['content-type'] ?? '');
      opened(this.status);
      res.on('data', (chunk: Buffer) => {
        this.take(chunk);
        this.wake();
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    this.req.on('error', () => {
      opened(0);
      finish();
    });
    this.req.end();
  }

  protected abstract take(chunk: Buffer): void;

  close(): void {
    this.req.destroy();
  }

  protected wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A watch response read line by line. */
export class WatchStream extends ResponseStream {
  readonly events: WatchEventJson[] = [];
  private buffer = '';
  private readonly text = new StringDecoder('utf8');

  protected take(chunk: Buffer): void {
    this.buffer += this.text.write(chunk);
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim()) this.events.push(JSON.parse(line) as WatchEventJson);
    }
  }

  /** Waits until `count` events arrived (or the stream ended, or `timeoutMs` passed). */
  async waitFor(count: number, timeoutMs = 5000): Promise<WatchEventJson[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

}

export interface Fixture {
  server: TestApiServer;
  api: Api;
  /** A fresh namespace for one test. */
  namespace(t: ExecutionContext): Promise<string>;
}

let counter = 0;

/** One server for every test of a file, started before them and closed after. */
export function useServer(test: TestFn, options: TestApiServerOptions): () => Fixture {
  let fixture: Fixture | undefined;
  test.before(async () => {
    const server = await startTestApiServer(options);
    const api = new Api(server.url);
    fixture = {
      server,
      api,
      async namespace(t) {
        const name = `t${++counter}-${randomBytes(3).toString('hex')}`;
        const res = await api.post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
        if (res.status !== 201) t.fail(`could not create namespace ${name}: ${res.text}`);
        return name;
      },
    };
  });
  test.after.always(async () => {
    await fixture?.server.close();
  });
  return () => {
    if (!fixture) throw new Error('the server did not start');
    return fixture;
  };
}

export function pod(name: string, extra: Partial<ApiObject> & { labels?: Record<string, string> } = {}): ApiObject {
  const { labels, ...rest } = extra;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'app', image: 'nginx' }] },
    ...rest,
  };
}

export function deployment(name: string, replicas = 1): ApiObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
  };
}

export function configMap(name: string, data: Record<string, string> = { a: '1' }, labels?: Record<string, string>): ApiObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(labels ? { labels } : {}) }, data };
}

/** Asserts a Status reply: its code, reason and, optionally, words of its message. */
export function isStatus(t: ExecutionContext, reply: Reply<Status>, code: number, reason: string, ...words: string[]): void {
  t.is(reply.status, code, reply.text);
  t.is(reply.body?.kind, 'Status', reply.text);
  t.is(reply.body?.code, code);
  t.is(reply.body?.reason, reason, reply.text);
  for (const word of words) t.true(reply.body?.message?.includes(word), `"${word}" not in: ${reply.body?.message}`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5000, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(everyMs);
  }
  return check();
}
