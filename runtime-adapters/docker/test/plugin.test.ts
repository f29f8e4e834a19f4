import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { ConfigError, createCorral } from '@corral/core';
import { DockerRuntime, DockerUnavailableError } from '../src/index.js';
import { FrameReader } from '../src/frames.js';
import { withTag } from '../src/images.js';
import { parseDockerTime } from '../src/status.js';

const pluginFile = fileURLToPath(new URL('../src/index.js', import.meta.url));

async function scratch(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'corral-docker-plugin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function writeConfigs(dir: string, options: string): Promise<{ defaults: string; user: string }> {
  const defaults = join(dir, 'defaults.yaml');
  const user = join(dir, 'config.yaml');
  await writeFile(defaults, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins: []\n');
  await writeFile(user, `apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins:\n  - name: ${JSON.stringify(pluginFile)}\n    options: ${options}\nagent: { runtime: docker }\n`);
  return { defaults, user };
}

test('the plugin offers the docker runtime under its name, with the configured socket', async (t) => {
  const dir = await scratch(t);
  const { defaults, user } = await writeConfigs(dir, '{ socket: "unix:///tmp/corral-nowhere.sock", pauseImage: "corral-test/busybox:1" }');
  const corral = await createCorral({ role: 'agent', configFile: user, defaultConfigFile: defaults });
  const adapter = corral.hooks.runtimeAdapter.for('docker').call({ nodeName: 'n1', rootDir: dir });
  t.true(adapter instanceof DockerRuntime);
  t.is(adapter?.name, 'docker');
  // Lazy: the factory did not connect, the first call does and says where it looked.
  const err = await t.throwsAsync(adapter!.listPodSandboxes(), { instanceOf: DockerUnavailableError });
  t.regex(err!.message, /unix:\/\/\/tmp\/corral-nowhere\.sock/);
});

test('bad options stop start-up, naming the option', async (t) => {
  const dir = await scratch(t);
  const { defaults, user } = await writeConfigs(dir, '{ socket: "docker.sock" }');
  const err = await t.throwsAsync(createCorral({ role: 'agent', configFile: user, defaultConfigFile: defaults }), { instanceOf: ConfigError });
  t.true(err!.problems.some((p) => p.path === 'plugins[0].options.socket' && /socket path/.test(p.message)), JSON.stringify(err!.problems));
});

test('a daemon that is not running gets an error naming the socket and how to start it', async (t) => {
  const dir = await scratch(t);
  const socket = join(dir, 'docker.sock');
  const runtime = new DockerRuntime({ socket, pauseImage: 'corral-test/busybox:1', pauseCommand: [] });
  const err = await t.throwsAsync(runtime.runPodSandbox({ uid: 'u1', name: 'p', namespace: 'default', labels: {}, annotations: {}, logDirectory: dir, portMappings: [] }));
  t.true(err instanceof DockerUnavailableError);
  t.true(err!.message.includes(socket), err!.message);
  t.regex(err!.message, /is dockerd running\?/);
  t.regex(err!.message, /dockerd --host unix:\/\//);
  t.regex(err!.message, /DOCKER_HOST/);
});

test('frames: stdout and stderr split from Docker\'s multiplexed stream, however it is chunked', (t) => {
  const frame = (type: number, text: string) => {
    const payload = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = type;
    header.writeUInt32BE(payload.length, 4);
    return Buffer.concat([header, payload]);
  };
  const bytes = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, 'out two\n')]);
  for (const cut of [1, 3, 8, 9, 13, bytes.length]) {
    const reader = new FrameReader();
    const frames = [...reader.push(bytes.subarray(0, cut)), ...reader.push(bytes.subarray(cut))];
    t.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [['stdout', 'out one\n'], ['stderr', 'err\n'], ['stdout', 'out two\n']], `cut at ${cut}`);
    t.is(reader.leftover, 0);
  }
});

test('times: Docker\'s nanosecond RFC 3339 and its "never" (year 1)', (t) => {
  t.is(parseDockerTime('2026-11-23T11:16:00.123456789Z'), Date.UTC(2026, 10, 23, 11, 16, 0, 123));
  t.is(parseDockerTime('2026-11-23T11:16:00Z'), Date.UTC(2026, 10, 23, 11, 16, 0));
  t.is(parseDockerTime('0001-01-01T00:00:00Z'), undefined);
  t.is(parseDockerTime(''), undefined);
});

test('image names get Docker\'s implied tag, registries with ports included', (t) => {
  t.is(withTag('busybox'), 'busybox:latest');
  t.is(withTag('corral-test/busybox:1'), 'corral-test/busybox:1');
  t.is(withTag('127.0.0.1:5000/app'), '127.0.0.1:5000/app:latest');
  t.is(withTag('app@sha256:abc'), 'app@sha256:abc');
});
