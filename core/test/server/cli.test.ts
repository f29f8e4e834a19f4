// `corral server` and `corral up` as processes: start, answer, stop cleanly on a signal, and
// say clearly why they cannot start.
import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...process.env, CORRAL_CONFIG: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitForOutput(r: Run, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(r.stdout());
    if (match) return match;
    if (r.child.exitCode !== null || Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${r.stdout()}\n${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function scratch(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function stopOnTeardown(t: { teardown(fn: () => void): void }, r: Run): void {
  t.teardown(() => {
    if (r.child.exitCode === null) r.child.kill('SIGKILL');
  });
}

test('corral server: prints its URL, serves, and stops cleanly on SIGTERM', async (t) => {
  const dir = await scratch(t);
  const server = run(['server', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data')]);
  stopOnTeardown(t, server);
  const [, url] = await waitForOutput(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  t.is((await fetch(`${url}/readyz`)).status, 200);
  t.is((await fetch(`${url}/api/v1/namespaces/kube-system`)).status, 200);
  server.child.kill('SIGTERM');
  t.is(await server.exited, 0);
  t.regex(server.stdout(), /SIGTERM: stopping/);
  t.is(server.stderr(), '');
});

test('corral up: writes a kubeconfig for its URL and says how to use it; a second up on the same dir is refused', async (t) => {
  const dir = await scratch(t);
  const kubeconfig = join(dir, 'kube', 'config');
  const up = run(['up', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--kubeconfig', kubeconfig], { HOME: dir });
  stopOnTeardown(t, up);
  const [, url] = await waitForOutput(up, /the API at (http:\/\/127\.0\.0\.1:\d+)/);
  await waitForOutput(up, /Ctrl-C stops/);
  t.regex(up.stdout(), new RegExp(`export KUBECONFIG=${kubeconfig}`));
  t.regex(up.stdout(), /kubectl get nodes/);
  const config = parse(await readFile(kubeconfig, 'utf8'));
  t.is(config.clusters[0].cluster.server, url);
  t.is(config.contexts[0].context.namespace, 'default');

  const second = run(['up', '--listen', '127.0.0.1:0', '--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'other')], { HOME: dir });
  stopOnTeardown(t, second);
  t.is(await second.exited, 1);
  t.regex(second.stderr(), /data dir .* is in use by process \d+/);
  t.notRegex(second.stderr(), /\n\s+at /, 'no stack trace');

  const port = new URL(url!).port;
  const clash = run(['server', '--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data2')]);
  stopOnTeardown(t, clash);
  t.is(await clash.exited, 1);
  t.regex(clash.stderr(), new RegExp(`port ${port} is already in use by another process; .*--listen`));

  up.child.kill('SIGINT');
  t.is(await up.exited, 0);
});
