// Running the CLI in-process against a test server, capturing what it prints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestFn } from 'ava';
import anyTest from 'ava';
import { runCli } from '../../src/cli/cli.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';

export interface Run {
  code: number;
  out: string;
  err: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  /** Leave out `--server`: the command finds its server through a kubeconfig. */
  noServer?: boolean;
  /** Called with all the output so far after each write: to act once something is printed. */
  onStdout?: (out: string) => void;
}

export interface Cli {
  /** `corral ARGS --server URL`. */
  run(args: string[], options?: RunOptions): Promise<Run>;
  client: ApiClient;
  /** A fresh namespace, created on the server. */
  namespace(): Promise<string>;
  /** Writes a file in a scratch folder and returns its path. */
  file(name: string, text: string): string;
  dir: string;
  close(): void;
}

let counter = 0;

export function cliFor(url: string): Cli {
  const dir = mkdtempSync(join(tmpdir(), 'corral-cli-test-'));
  const client = new ApiClient({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  return {
    dir,
    client,
    async run(args, options = {}) {
      let out = '';
      let err = '';
      const own = options.noServer || args.includes('--server') || args[0] === 'completion';
      // Flags go before `--`: what follows it belongs to exec's command.
      const dash = args.indexOf('--');
      const full = own ? args : dash < 0 ? [...args, '--server', url] : [...args.slice(0, dash), '--server', url, ...args.slice(dash)];
      const code = await runCli(full, {
        stdout: {
          write: (s: string) => {
            out += s;
            options.onStdout?.(out);
          },
        },
        stderr: { write: (s: string) => (err += s) },
        env: { HOME: dir, PATH: process.env.PATH ?? '', ...options.env },
        stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
      });
      return { code, out, err };
    },
    async namespace() {
      const name = `t${process.pid}-${++counter}`;
      await client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    close() {
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function deploymentYaml(name: string, options: { image?: string; replicas?: number; extraLabel?: string; env?: boolean } = {}): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    `    app: ${name}`,
    ...(options.extraLabel ? [`    ${options.extraLabel}`] : []),
    'spec:',
    `  replicas: ${options.replicas ?? 2}`,
    '  selector:',
    `    matchLabels: {app: ${name}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    '    spec:',
    '      containers:',
    '      - name: main',
    `        image: ${options.image ?? 'nginx:1.25'}`,
    ...(options.env ? ['        env:', '        - {name: MODE, value: fast}'] : []),
    '',
  ].join('\n');
}

/** The test function of a file whose tests share one API server (embedded store) and one Cli. */
export function cliTest(): TestFn<{ server: TestApiServer; cli: Cli }> {
  const test = anyTest as TestFn<{ server: TestApiServer; cli: Cli }>;
  test.before(async (t) => {
    const server = await startTestApiServer({ backend: 'embedded' });
    t.context = { server, cli: cliFor(server.url) };
  });
  test.after.always(async (t) => {
    t.context.cli?.close();
    await t.context.server?.close();
  });
  return test;
}
