import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CriRuntime, CriUnavailableError, CriUnimplementedError } from '../src/index.js';
import { startContainerd } from '../src/testing/index.js';
import { sandboxConfig } from './helpers.js';

// What a person sees when the runtime is not there or not serving CRI.

const base = mkdtempSync(join(tmpdir(), 'corral-cri-errors-'));
test.after.always(() => rmSync(base, { recursive: true, force: true }));

test('no containerd on the socket: the error names the socket and how to start containerd', async (t) => {
  const socket = join(base, 'containerd.sock');
  const runtime = new CriRuntime({ endpoint: `unix://${socket}`, nodeName: 'node-a' });
  t.teardown(() => runtime.close());
  const err = await t.throwsAsync(runtime.runPodSandbox(sandboxConfig(base, 'nowhere')), { instanceOf: CriUnavailableError });
  t.true(err!.message.includes(`unix://${socket}`), err!.message);
  t.regex(err!.message, /Is containerd running with its socket at .*containerd\.sock\?/);
  t.regex(err!.message, /systemctl start containerd/);
  t.regex(err!.message, /`endpoint` option/);
  t.is(err!.code, 'UNAVAILABLE');
  t.is(err!.rpc, 'RuntimeService/ListPodSandbox');
});

test('containerd with its CRI plugin disabled: the error says so and where to turn it on', async (t) => {
  const containerd = await startContainerd({ cri: false });
  t.teardown(async () => {
    const leftover = await containerd.stop();
    if (leftover.length > 0) throw new Error(`shims left: ${leftover.join(', ')}`);
  });
  const runtime = new CriRuntime({ endpoint: containerd.endpoint, nodeName: 'node-a' });
  t.teardown(() => runtime.close());
  const err = await t.throwsAsync(runtime.version(), { instanceOf: CriUnimplementedError });
  t.true(err!.message.startsWith(`${containerd.endpoint} answers but does not serve the CRI v1 API`), err!.message);
  t.regex(err!.message, /disabled_plugins/);
  const images = await t.throwsAsync(runtime.imageStatus('corral.test/busybox:latest'), { instanceOf: CriUnimplementedError });
  t.is(images!.rpc, 'ImageService/ImageStatus');
});
