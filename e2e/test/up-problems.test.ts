// The first problems a newcomer meets with `corral up`, each a clear message and a non-zero exit,
// with nothing written (no kubeconfig, no version marker): the API port taken, a data dir from
// a newer Corral, not being root, and a runtime daemon that is not running. An older data dir
// is taken over and its marker brought up to date.
import test from 'ava';
import { createHash, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/ports.js';
import { corralUp, linkExists, randomRanges, sh, spawnUp, writeUpConfig, type Up } from './support/corral-up.js';

const { version } = JSON.parse(await readFile(new URL('../../../core/package.json', import.meta.url), 'utf8')) as { version: string };
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath];

async function tempDir(t: { teardown(fn: () => Promise<void>): void }, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `corral-e2e-up-${name}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The flags of a run in `dir` on a port of its own. */
async function upArgs(dir: string, port?: number): Promise<string[]> {
  port ??= await freePort();
  return ['--data-dir', join(dir, 'data'), '--kubeconfig', join(dir, 'kubeconfig'), '--listen', `127.0.0.1:${port}`, '--node-name', `upp${randomInt(1000, 10000)}`];
}

async function failedRun(up: Up): Promise<{ code: number | null; output: string }> {
  const code = await up.exited;
  return { code, output: up.output() };
}

test('the API port in use: which port, and the flag that changes it', async (t) => {
  const dir = await tempDir(t, 'port');
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const { port } = blocker.address() as { port: number };
  const { code, output } = await failedRun(spawnUp(await upArgs(dir, port)));
  t.is(code, 1, output);
  t.regex(output, new RegExp(`port ${port} is already in use`));
  t.regex(output, /--listen 127\.0\.0\.1:PORT/);
  t.false(existsSync(join(dir, 'kubeconfig')), 'no kubeconfig written');
  t.false(existsSync(join(dir, 'data', 'corral-version.json')), 'no version marker written');
});

test('a data dir written by a newer Corral is refused, naming both versions and the dir', async (t) => {
  const dir = await tempDir(t, 'newer');
  const marker = join(dir, 'data', 'corral-version.json');
  await mkdir(join(dir, 'data'));
  await writeFile(marker, JSON.stringify({ version: '99.1.0' }));
  const { code, output } = await failedRun(spawnUp(await upArgs(dir)));
  t.is(code, 1, output);
  t.true(output.includes(`the data dir ${join(dir, 'data')} was written by Corral 99.1.0, newer than this Corral ${version}`), output);
  t.false(existsSync(join(dir, 'kubeconfig')));
  t.is(JSON.parse(await readFile(marker, 'utf8')).version, '99.1.0', 'the marker is left alone');
});

test('a data dir of an older Corral is taken over and its marker brought up to date', async (t) => {
  const dir = await tempDir(t, 'older');
  const marker = join(dir, 'data', 'corral-version.json');
  await mkdir(join(dir, 'data'));
  await writeFile(marker, JSON.stringify({ version: '0.0.1' }));
  const ranges = randomRanges();
  const config = await writeUpConfig(dir, ranges, [], ['agent:', '  network: { pods: none, services: none }']);
  const up = await corralUp(['--config', config, ...(await upArgs(dir))]);
  t.teardown(async () => void (await up.stop()));
  t.is(JSON.parse(await readFile(marker, 'utf8')).version, version);
  t.true(existsSync(join(dir, 'kubeconfig')));
  t.is(await up.stop(), 0, up.output());
});

test('not root: --nodes says what needs root and what works without it', async (t) => {
  const dir = await tempDir(t, 'nonroot-nodes');
  const { code, output } = await failedRun(spawnUp(['--nodes', '2', ...(await upArgs(dir))], {}, NOBODY));
  t.is(code, 1, output);
  t.regex(output, /corral up --nodes needs root: it creates a bridge, a network namespace per node/);
  t.regex(output, /run `corral up` without --nodes: without root that gives the server and its API, the process runtime/);
  t.false(existsSync(join(dir, 'kubeconfig')));
});

test('not root: plain corral up comes up and says what works and what does not', async (t) => {
  const dir = await tempDir(t, 'nonroot');
  await chmod(dir, 0o777);
  const ranges = randomRanges();
  const config = await writeUpConfig(dir, ranges);
  await chmod(config, 0o644);
  const up = await corralUp(['--config', config, ...(await upArgs(dir)), '--root-dir', join(dir, 'agent')], { HOME: dir }, NOBODY).catch((err: Error) => err);
  t.false(up instanceof Error, String(up));
  if (up instanceof Error) return;
  t.teardown(async () => void (await up.stop()));
  t.regex(up.output(), /Not running as root: what works is the server and its API, the process runtime .*; what needs root is a pod network .*, and --nodes\./);
  t.true(existsSync(join(dir, 'kubeconfig')));
  t.is(await up.stop(), 0, up.output());
});

for (const [runtime, plugin, option, daemon] of [
  ['docker', '@corral/runtime-docker', 'socket', 'dockerd'],
  ['cri', '@corral/runtime-cri', 'endpoint', 'containerd'],
] as const) {
  test(`--runtime ${runtime} with no ${daemon} running: which socket was tried and how to start it`, async (t) => {
    const dir = await tempDir(t, runtime);
    const socket = join(dir, `${daemon}.sock`);
    const config = await writeUpConfig(dir, randomRanges(), [`  - name: "${plugin}"`, `    options: { ${option}: "unix://${socket}" }`], ['agent:', '  network: { pods: none, services: none }']);
    const { code, output } = await failedRun(spawnUp(['--config', config, '--runtime', runtime, ...(await upArgs(dir))]));
    t.is(code, 1, output);
    t.regex(output, /corral: the node cannot run pods: /);
    t.true(output.includes(socket), output);
    t.regex(output, new RegExp(daemon));
    t.false(existsSync(join(dir, 'kubeconfig')), 'no kubeconfig written');
    t.false(existsSync(join(dir, 'data', 'corral-version.json')), 'no version marker written');
  });
}

test('--nodes with an underlay this machine already routes: refused before anything is made', async (t) => {
  const dir = await tempDir(t, 'underlay');
  const r = randomInt(1, 250);
  const link = `crlo${randomInt(1e4, 1e5)}`;
  await sh(`ip link add ${link} type bridge && ip addr add 10.232.${r}.1/24 dev ${link} && ip link set ${link} up`);
  t.teardown(async () => void (await sh(`ip link del ${link}`).catch(() => undefined)));
  const { code, output } = await failedRun(spawnUp(['--nodes', '2', '--underlay', `10.232.${r}.0/25`, ...(await upArgs(dir))]));
  t.is(code, 1, output);
  t.regex(output, new RegExp(`the underlay 10\\.232\\.${r}\\.0/25 overlaps a network this machine routes \\(10\\.232\\.${r}\\.0/24 dev ${link} .*\\); choose a free subnet with --underlay`));
  t.false(existsSync(join(dir, 'kubeconfig')));
  // The bridge it would have made is named after the data dir.
  const id = createHash('sha1').update(join(dir, 'data')).digest('hex').slice(0, 6);
  t.false(await linkExists(`crl${id}br`), 'no bridge made');
});
