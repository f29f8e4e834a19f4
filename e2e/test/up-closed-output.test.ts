// `corral up` whose reader has gone (the terminal closed, the parent died: its stdout and stderr
// pipes broken) still stops its pods on Ctrl-C: writing "Stopping, pods too." to a closed pipe
// must not kill it half-way.
import test from 'ava';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { PODS, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { CORRAL_BIN } from './support/cli.js';
import { startClusterUp } from './support/cluster-up.js';
import { isAlive } from './support/processes.js';

test('corral up with its output pipes closed stops its pods on SIGINT', async (t) => {
  // The helper's `corral up` writes to a file; it keeps the pod when stopped, and the `corral up`
  // started below on pipes adopts it.
  const cluster = await startClusterUp({ name: 'epipe', nodeName: 'epipe-node', upFlags: ['--keep-pods'] });
  t.teardown(() => cluster.stop());
  const { client } = cluster;
  const marker = `sleep 36${Math.floor(Math.random() * 90 + 10)}1`;
  await client.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'sleeper', namespace: 'default' },
    spec: { nodeName: 'epipe-node', terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', `exec ${marker}`] }] },
  } as Pod);
  await waitFor('sleeper Running', async () => {
    const p = await client.get<Pod>(PODS, 'sleeper', { namespace: 'default' });
    return p.status?.phase === 'Running' ? p : undefined;
  });
  const pid = Number(execFileSync('pgrep', ['-f', marker]).toString().trim().split('\n')[0]);
  t.true(pid > 0);
  t.teardown(() => {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  t.is(await cluster.children.up!.stop('SIGINT'), 0, cluster.output());
  t.true(isAlive(pid), 'the pod outlived the first corral up (--keep-pods)');

  const up = spawn(
    process.execPath,
    [
      CORRAL_BIN, 'up', '--config', join(cluster.dir, 'corral.yaml'), '--data-dir', join(cluster.dir, 'data'), '--listen', `127.0.0.1:${cluster.port}`,
      '--kubeconfig', cluster.kubeconfig, '--root-dir', join(cluster.dir, 'agent'), '--node-name', 'epipe-node',
    ],
    { env: { ...process.env, CORRAL_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
  t.teardown(() => void (up.exitCode === null && up.signalCode === null && up.kill('SIGKILL')));
  let printed = '';
  up.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
  up.stderr!.on('data', (d: Buffer) => (printed += d.toString()));
  await waitFor('the piped corral up ready', async () => (printed.includes('Ctrl-C stops.') ? true : undefined), 60_000);
  // The new agent knows the pod: it runs a command in it.
  const exec = await waitFor('exec through the new agent', async () => {
    const r = await client.exec('sleeper', { namespace: 'default', command: ['true'] });
    return r.exitCode === 0 ? r : undefined;
  });
  t.is(exec.exitCode, 0);

  // The reader goes away, then Ctrl-C.
  up.stdout!.destroy();
  up.stderr!.destroy();
  up.kill('SIGINT');
  const code = await exited;
  t.is(code, 0, `corral up ended with ${code} (${up.signalCode ?? 'no signal'}); it printed before the pipes closed:\n${printed.slice(-3000)}`);
  await waitFor('the pod process gone', async () => (isAlive(pid) ? undefined : true), 20_000);
  t.false(isAlive(pid));
});
