import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { ExecutionContext, TestFn } from 'ava';
import type {
  ContainerConfig,
  ContainerStatus,
  PodSandboxConfig,
  RuntimeAdapter,
} from '../kernel/contracts/runtime.js';

/** What a runtime cannot do; every flag defaults to true (the test runs). */
export interface RuntimeCapabilities {
  /** Two containers of a pod reach each other on 127.0.0.1. */
  readonly localhost?: boolean;
  /** Two containers of a pod see one host directory at `mountPath`. */
  readonly sharedMounts?: boolean;
  /** `exec` with `tty: true` gives the command a terminal. */
  readonly execTty?: boolean;
}

export interface RuntimeConformanceOptions {
  /** Prefixes every test title, e.g. `process` or `docker`. */
  readonly name: string;
  /**
   * A new adapter over the same node state on every call: the restart test calls it again
   * after closing the first one, as an agent restarting would.
   */
  create(): Promise<RuntimeAdapter>;
  /** The image every container uses; it must hold a POSIX shell and busybox (nc). */
  readonly image: string;
  /** Runs a script: `[...shell, script, ...args]`; default `['/bin/sh', '-c']`. */
  readonly shell?: readonly string[];
  /** How scripts call busybox applets (`<busybox> nc ...`); default `busybox`. */
  readonly busybox?: string;
  /** Where the shared-mount test mounts its volume inside containers; default `/corral-shared`. */
  readonly mountPath?: string;
  /** A working directory that exists in the image and is not its default; default `/tmp`. */
  readonly workingDir?: string;
  /** Adjusts every sandbox config (hostNetwork, a prepared netnsPath, ...). */
  readonly sandboxConfig?: (config: PodSandboxConfig) => PodSandboxConfig | Promise<PodSandboxConfig>;
  readonly capabilities?: RuntimeCapabilities;
  /** Runs once after every test, after the suite removed what it created. */
  readonly after?: () => Promise<void>;
}

interface Suite {
  readonly options: RuntimeConformanceOptions;
  readonly runLabel: string;
  adapter?: RuntimeAdapter;
  tmp?: string;
}

const RUN_LABEL = 'conformance.corral.dev/run';

/**
 * Registers ava tests that hold any RuntimeAdapter to the contract's behaviour: sandboxes
 * and their listing, container life cycle and exit codes, shared localhost and mounts, env and
 * args, stop escalation, logs, exec, idempotency and recovery by a new adapter instance.
 * Call it once from a test file: `runtimeConformance(test, { name, create, image })`.
 */
export function runtimeConformance(test: TestFn, options: RuntimeConformanceOptions): void {
  const suite: Suite = { options, runLabel: randomBytes(6).toString('hex') };
  const caps = { localhost: true, sharedMounts: true, execTty: true, ...options.capabilities };
  const title = (what: string) => `${options.name}: ${what}`;

  test.before(async () => {
    suite.tmp = await mkdtemp(join(tmpdir(), `corral-conformance-${options.name}-`));
    suite.adapter = await options.create();
    await suite.adapter.pullImage(options.image);
  });

  test.after.always(async () => {
    const adapter = suite.adapter;
    if (adapter) {
      for (const sandbox of await adapter.listPodSandboxes({ labels: { [RUN_LABEL]: suite.runLabel } })) {
        await adapter.removePodSandbox(sandbox.id);
      }
      await adapter.close();
    }
    if (suite.tmp) await rm(suite.tmp, { recursive: true, force: true });
    await options.after?.();
  });

  test(title('the image is present after pullImage'), async (t) => {
    const ref = await adapterOf(suite).pullImage(options.image);
    t.true(ref.length > 0);
    const info = await adapterOf(suite).imageStatus(options.image);
    t.truthy(info, `imageStatus(${options.image}) after pullImage`);
  });

  test(title('sandboxes: run, status, list with label filters, stop, remove'), async (t) => {
    const adapter = adapterOf(suite);
    const a = await runSandbox(t, suite, 'lifecycle-a', { app: 'a' });
    const b = await runSandbox(t, suite, 'lifecycle-b', { app: 'b' });
    const status = await adapter.podSandboxStatus(a);
    t.is(status?.state, 'SANDBOX_READY');
    t.is(status?.name, 'lifecycle-a');
    t.is(status?.namespace, 'conformance');
    t.is(status?.labels.app, 'a');
    t.true((status?.createdAt ?? 0) > Date.now() - 600_000);

    const onlyA = await adapter.listPodSandboxes({ labels: { app: 'a', [RUN_LABEL]: suite.runLabel } });
    t.deepEqual(onlyA.map((s) => s.id), [a]);
    const ours = await adapter.listPodSandboxes({ labels: { [RUN_LABEL]: suite.runLabel } });
    t.true(ours.some((s) => s.id === a) && ours.some((s) => s.id === b));
    t.deepEqual((await adapter.listPodSandboxes({ id: b })).map((s) => s.id), [b]);

    await adapter.stopPodSandbox(a);
    t.is((await adapter.podSandboxStatus(a))?.state, 'SANDBOX_NOTREADY');
    const notReady = await adapter.listPodSandboxes({ state: 'SANDBOX_NOTREADY', labels: { [RUN_LABEL]: suite.runLabel } });
    t.true(notReady.some((s) => s.id === a));
    t.false(notReady.some((s) => s.id === b));

    await adapter.removePodSandbox(a);
    t.is(await adapter.podSandboxStatus(a), undefined);
    t.false((await adapter.listPodSandboxes()).some((s) => s.id === a));
  });

  test(title('a container runs, exits with its code, and restarts as a new container'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'exits');
    const first = await adapter.createContainer(sandbox, containerConfig(suite, 'main', 'exit 3', { labels: { role: 'main' } }), await sandboxConfigOf(suite, sandbox));
    t.is((await adapter.containerStatus(first))?.state, 'CONTAINER_CREATED');
    await adapter.startContainer(first);
    const exited = await waitForExit(adapter, first);
    t.is(exited.exitCode, 3);
    t.is(exited.name, 'main');
    t.is(exited.podSandboxId, sandbox);
    t.is(exited.labels.role, 'main');
    t.true((exited.finishedAt ?? 0) >= (exited.startedAt ?? Infinity));

    const second = await adapter.createContainer(sandbox, containerConfig(suite, 'main', 'sleep 30', { logPath: 'main_1.log' }), await sandboxConfigOf(suite, sandbox));
    t.not(second, first);
    await adapter.startContainer(second);
    t.is((await adapter.containerStatus(second))?.state, 'CONTAINER_RUNNING');
    const inSandbox = await adapter.listContainers({ podSandboxId: sandbox });
    t.deepEqual(inSandbox.map((c) => c.id).sort(), [first, second].sort());
    t.deepEqual((await adapter.listContainers({ podSandboxId: sandbox, state: 'CONTAINER_RUNNING' })).map((c) => c.id), [second]);
    t.deepEqual((await adapter.listContainers({ podSandboxId: sandbox, labels: { role: 'main' } })).map((c) => c.id), [first]);

    await adapter.removeContainer(first);
    t.is(await adapter.containerStatus(first), undefined);
    await adapter.stopContainer(second, 2);
    t.is((await adapter.containerStatus(second))?.state, 'CONTAINER_EXITED');
  });

  if (caps.localhost) {
    test(title('two containers of a pod talk over 127.0.0.1'), async (t) => {
      const adapter = adapterOf(suite);
      const bb = options.busybox ?? 'busybox';
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const sandbox = await runSandbox(t, suite, 'localhost');
      const config = await sandboxConfigOf(suite, sandbox);
      const server = await adapter.createContainer(sandbox, containerConfig(suite, 'server', `echo hello-from-server | ${bb} nc -l -p ${port}`), config);
      await adapter.startContainer(server);
      const client = await adapter.createContainer(
        sandbox,
        containerConfig(suite, 'client', `for i in $(seq 100); do ${bb} nc 127.0.0.1 ${port} </dev/null && exit 0; sleep 0.1; done; exit 1`),
        config,
      );
      await adapter.startContainer(client);
      t.is((await waitForExit(adapter, client)).exitCode, 0);
      t.regex(await readAll(adapter.logs(client)), /hello-from-server/);
    });
  }

  if (caps.sharedMounts) {
    test(title('two containers of a pod share a mounted directory'), async (t) => {
      const adapter = adapterOf(suite);
      const mountPath = options.mountPath ?? '/corral-shared';
      const volume = join(tmpOf(suite), `volume-${randomBytes(4).toString('hex')}`);
      await mkdir(volume, { recursive: true });
      await writeFile(join(volume, 'from-host'), 'host\n');
      const sandbox = await runSandbox(t, suite, 'mounts');
      const config = await sandboxConfigOf(suite, sandbox);
      const mounts = [{ containerPath: mountPath, hostPath: volume }];
      const writer = await adapter.createContainer(sandbox, containerConfig(suite, 'writer', `cat ${mountPath}/from-host && echo shared > ${mountPath}/from-writer`, { mounts }), config);
      await adapter.startContainer(writer);
      t.is((await waitForExit(adapter, writer)).exitCode, 0);
      const reader = await adapter.createContainer(sandbox, containerConfig(suite, 'reader', `cat ${mountPath}/from-writer`, { mounts }), config);
      await adapter.startContainer(reader);
      t.is((await waitForExit(adapter, reader)).exitCode, 0);
      t.is(await readAll(adapter.logs(writer)), 'host\n');
      t.is(await readAll(adapter.logs(reader)), 'shared\n');
      t.is(await readFile(join(volume, 'from-writer'), 'utf8'), 'shared\n');
    });
  }

  test(title('the process sees its env, args and working directory'), async (t) => {
    const adapter = adapterOf(suite);
    const workingDir = options.workingDir ?? '/tmp';
    const sandbox = await runSandbox(t, suite, 'env');
    const config = containerConfig(suite, 'env', 'echo "$GREETING|$SECOND|$(pwd)|$0|$1|$2"', {
      args: ['arg0', 'first arg', 'second'],
      env: [{ name: 'GREETING', value: 'hello world' }, { name: 'SECOND', value: 'a=b' }],
      workingDir,
    });
    const id = await adapter.createContainer(sandbox, config, await sandboxConfigOf(suite, sandbox));
    await adapter.startContainer(id);
    t.is((await waitForExit(adapter, id)).exitCode, 0);
    t.is(await readAll(adapter.logs(id)), `hello world|a=b|${workingDir}|arg0|first arg|second\n`);
  });

  test(title('stop sends TERM, and KILL after the timeout when TERM is ignored'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'stop');
    const config = await sandboxConfigOf(suite, sandbox);
    const polite = await adapter.createContainer(sandbox, containerConfig(suite, 'polite', 'trap "exit 0" TERM; while true; do sleep 0.1; done'), config);
    const stubborn = await adapter.createContainer(sandbox, containerConfig(suite, 'stubborn', 'trap "" TERM; echo ready; while true; do sleep 0.1; done'), config);
    await adapter.startContainer(polite);
    await adapter.startContainer(stubborn);
    await waitFor(async () => (await readAll(adapter.logs(stubborn))).includes('ready'), 'the stubborn container to trap TERM');

    await adapter.stopContainer(polite, 10);
    const politeStatus = await adapter.containerStatus(polite);
    t.is(politeStatus?.state, 'CONTAINER_EXITED');
    t.not(politeStatus?.exitCode, 137, 'a container that handles TERM is not killed');

    const started = Date.now();
    await adapter.stopContainer(stubborn, 1);
    const elapsed = Date.now() - started;
    const stubbornStatus = await adapter.containerStatus(stubborn);
    t.is(stubbornStatus?.state, 'CONTAINER_EXITED');
    t.is(stubbornStatus?.exitCode, 137);
    t.true(elapsed >= 900, `KILL came after the timeout (${elapsed} ms)`);
  });

  test(title('logs: everything, tail, since, timestamps, stderr, follow until exit'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'logs');
    const config = await sandboxConfigOf(suite, sandbox);
    const done = await adapter.createContainer(sandbox, containerConfig(suite, 'done', 'echo one; echo two; echo three; echo oops >&2'), config);
    await adapter.startContainer(done);
    await waitForExit(adapter, done);
    const all = await readAll(adapter.logs(done));
    t.is(all.split('\n').filter((l) => l !== 'oops').join('\n'), 'one\ntwo\nthree\n');
    t.true(all.includes('oops\n'), 'stderr is in the log');
    const stdoutTail = (await readAll(adapter.logs(done, { tailLines: 2 }))).split('\n');
    t.is(stdoutTail.length, 3);
    t.is(stdoutTail[2], '');
    t.is(await readAll(adapter.logs(done, { since: Date.now() + 60_000 })), '');
    const stamped = (await readAll(adapter.logs(done, { timestamps: true }))).trimEnd().split('\n');
    t.is(stamped.length, 4);
    for (const line of stamped) t.regex(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) (one|two|three|oops)$/);

    const slow = await adapter.createContainer(sandbox, containerConfig(suite, 'slow', 'for i in 1 2 3; do echo line$i; sleep 0.3; done'), config);
    await adapter.startContainer(slow);
    t.is(await readAll(adapter.logs(slow, { follow: true })), 'line1\nline2\nline3\n');

    const forever = await adapter.createContainer(sandbox, containerConfig(suite, 'forever', 'echo begun; sleep 60'), config);
    await adapter.startContainer(forever);
    const abort = new AbortController();
    let seen = '';
    const following = adapter.logs(forever, { follow: true, signal: abort.signal });
    following.on('data', (chunk: Buffer | string) => (seen += chunk.toString()));
    const ended = new Promise<void>((resolve, reject) => following.on('end', resolve).on('error', reject));
    await waitFor(async () => seen.includes('begun'), 'the followed log to show the first line');
    abort.abort();
    await ended;
    t.is((await adapter.containerStatus(forever))?.state, 'CONTAINER_RUNNING', 'the stream ended by the abort, not by the container');
  });

  test(title('exec runs in the container with stdin and returns the exit code'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'exec');
    const id = await adapter.createContainer(sandbox, containerConfig(suite, 'target', 'sleep 60', { env: [{ name: 'IN_CONTAINER', value: 'yes' }] }), await sandboxConfigOf(suite, sandbox));
    await adapter.startContainer(id);

    const session = await adapter.exec(id, { command: [...shellOf(suite), 'cat; echo "env=$IN_CONTAINER" >&2; exit 3'], stdin: true });
    const out = readAll(session.stdout);
    const err = readAll(session.stderr);
    session.stdin?.end('ping\n');
    t.is(await session.exitCode, 3);
    t.is(await out, 'ping\n');
    t.is(await err, 'env=yes\n');

    const quick = await adapter.exec(id, { command: [...shellOf(suite), 'echo fine'] });
    const quickOut = readAll(quick.stdout);
    readAll(quick.stderr).catch(() => undefined);
    t.is(await quick.exitCode, 0);
    t.is(await quickOut, 'fine\n');

    if (caps.execTty) {
      const tty = await adapter.exec(id, { command: [...shellOf(suite), 'test -t 1 && echo is-a-tty'], tty: true, stdin: true });
      const ttyOut = readAll(tty.stdout);
      readAll(tty.stderr).catch(() => undefined);
      tty.stdin?.end();
      t.is(await tty.exitCode, 0);
      t.regex(await ttyOut, /is-a-tty/);
    }
  });

  test(title('stop and remove are idempotent'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'idempotent');
    const id = await adapter.createContainer(sandbox, containerConfig(suite, 'c', 'sleep 60'), await sandboxConfigOf(suite, sandbox));
    await adapter.startContainer(id);
    await adapter.stopContainer(id, 2);
    await adapter.stopContainer(id, 2);
    t.is((await adapter.containerStatus(id))?.state, 'CONTAINER_EXITED');
    await adapter.removeContainer(id);
    await adapter.removeContainer(id);
    await adapter.stopContainer(id, 2);
    t.is(await adapter.containerStatus(id), undefined);

    await adapter.stopPodSandbox(sandbox);
    await adapter.stopPodSandbox(sandbox);
    await adapter.removePodSandbox(sandbox);
    await adapter.removePodSandbox(sandbox);
    await adapter.stopPodSandbox(sandbox);
    t.is(await adapter.podSandboxStatus(sandbox), undefined);
    await adapter.removePodSandbox('no-such-sandbox');
    await adapter.stopPodSandbox('no-such-sandbox');
    await adapter.removeContainer('no-such-container');
    await adapter.stopContainer('no-such-container', 1);
    t.is(await adapter.containerStatus('no-such-container'), undefined);
  });

  test(title('removing a sandbox removes its containers'), async (t) => {
    const adapter = adapterOf(suite);
    const sandbox = await runSandbox(t, suite, 'cascade');
    const id = await adapter.createContainer(sandbox, containerConfig(suite, 'c', 'sleep 60'), await sandboxConfigOf(suite, sandbox));
    await adapter.startContainer(id);
    await adapter.removePodSandbox(sandbox);
    t.is(await adapter.containerStatus(id), undefined);
    t.deepEqual(await adapter.listContainers({ podSandboxId: sandbox }), []);
  });

  test(title('a new adapter instance finds sandboxes, containers and exit codes from before'), async (t) => {
    const before = await options.create();
    const config = await makeSandboxConfig(suite, 'restart', {});
    const sandbox = await before.runPodSandbox(config);
    const sandboxes = [sandbox];
    let after: RuntimeAdapter | undefined;
    t.teardown(async () => {
      const cleaner = after ?? before;
      for (const id of sandboxes) await cleaner.removePodSandbox(id);
      await after?.close();
    });
    const long = await before.createContainer(sandbox, containerConfig(suite, 'long', 'sleep 60'), config);
    const short = await before.createContainer(sandbox, containerConfig(suite, 'short', 'sleep 1; exit 7'), config);
    await before.startContainer(long);
    await before.startContainer(short);
    await before.close();
    // The short container ends while no adapter runs.
    await delay(2_500);

    after = await options.create();
    const found = await after.podSandboxStatus(sandbox);
    t.is(found?.state, 'SANDBOX_READY');
    t.is(found?.name, 'restart');
    const listed = await after.listContainers({ podSandboxId: sandbox });
    t.deepEqual(listed.map((c) => c.id).sort(), [long, short].sort());
    t.is((await after.containerStatus(long))?.state, 'CONTAINER_RUNNING');
    const ended = await waitForExit(after, short);
    t.is(ended.exitCode, 7);
    await after.stopContainer(long, 2);
    t.is((await after.containerStatus(long))?.state, 'CONTAINER_EXITED');
  });
}

function adapterOf(suite: Suite): RuntimeAdapter {
  if (!suite.adapter) throw new Error(`runtime conformance (${suite.options.name}): the adapter was not created; see the before hook's failure`);
  return suite.adapter;
}

function tmpOf(suite: Suite): string {
  if (!suite.tmp) throw new Error(`runtime conformance (${suite.options.name}): no temp dir; see the before hook's failure`);
  return suite.tmp;
}

function shellOf(suite: Suite): readonly string[] {
  return suite.options.shell ?? ['/bin/sh', '-c'];
}

const sandboxConfigs = new Map<string, PodSandboxConfig>();

async function makeSandboxConfig(suite: Suite, name: string, labels: Record<string, string>): Promise<PodSandboxConfig> {
  const logDirectory = join(tmpOf(suite), 'logs', `${name}-${randomBytes(4).toString('hex')}`);
  await mkdir(logDirectory, { recursive: true });
  const base: PodSandboxConfig = {
    uid: randomUUID(),
    name,
    namespace: 'conformance',
    hostname: name,
    labels: { ...labels, [RUN_LABEL]: suite.runLabel },
    annotations: { 'conformance.corral.dev/suite': suite.options.name },
    logDirectory,
    portMappings: [],
  };
  return suite.options.sandboxConfig ? await suite.options.sandboxConfig(base) : base;
}

async function runSandbox(t: ExecutionContext, suite: Suite, name: string, labels: Record<string, string> = {}): Promise<string> {
  const adapter = adapterOf(suite);
  const config = await makeSandboxConfig(suite, name, labels);
  const id = await adapter.runPodSandbox(config);
  sandboxConfigs.set(id, config);
  t.teardown(async () => {
    await adapter.removePodSandbox(id);
    sandboxConfigs.delete(id);
  });
  return id;
}

async function sandboxConfigOf(suite: Suite, id: string): Promise<PodSandboxConfig> {
  const config = sandboxConfigs.get(id);
  if (!config) throw new Error(`runtime conformance (${suite.options.name}): no config for sandbox ${id}`);
  return config;
}

function containerConfig(suite: Suite, name: string, script: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  const { args = [], ...rest } = extra;
  return {
    name,
    image: suite.options.image,
    command: [...shellOf(suite), script],
    args,
    env: [],
    mounts: [],
    labels: {},
    annotations: {},
    logPath: `${name}_0.log`,
    ...rest,
  };
}

async function waitForExit(adapter: RuntimeAdapter, id: string, timeoutMs = 30_000): Promise<ContainerStatus> {
  let last: ContainerStatus | undefined;
  await waitFor(async () => {
    last = await adapter.containerStatus(id);
    return last?.state === 'CONTAINER_EXITED';
  }, `container ${id} to exit`, timeoutMs);
  return last!;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(50);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
