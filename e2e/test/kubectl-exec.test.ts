// The real kubectl (v1.32) against `corral up` on the process runtime: exec over the WebSocket
// stream protocol (stdout, stderr, exit code, stdin, a terminal) and logs, once and followed.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PODS, type Pod } from '@corral/core';
import { waitFor } from '@corral/core/testing';
import { startClusterUp, type ClusterUp } from './support/cluster-up.js';

const KUBECTL = process.env.KUBECTL ?? 'kubectl';

let cluster: ClusterUp;
let home: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** kubectl with the cluster's kubeconfig and a fresh $HOME (its discovery cache); `stdin` written then closed. */
function kubectl(args: readonly string[], stdin?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, [...args], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (stdin === undefined) child.stdin.end();
    else child.stdin.end(stdin);
  });
}

test.before(async () => {
  home = await mkdtemp(join(tmpdir(), 'corral-kubectl-exec-'));
  cluster = await startClusterUp({ name: 'kexec', nodeName: 'kexec-node' });
  // Writes a line a second: something for `logs -f` to follow.
  await cluster.client.create(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'ticker', namespace: 'default' },
    spec: {
      nodeName: 'kexec-node',
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo started; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'] }],
    },
  } as Pod);
  await waitFor('ticker Running', async () => {
    const p = await cluster.client.get<Pod>(PODS, 'ticker', { namespace: 'default' });
    return p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready ? p : undefined;
  });
});

test.after.always(async () => {
  await cluster?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test.serial('kubectl exec: stdout and stderr apart, and the exit code', async (t) => {
  const r = await kubectl(['exec', 'ticker', '--', 'sh', '-c', 'echo hi; echo err >&2; exit 3']);
  t.is(r.stdout, 'hi\n');
  t.is(r.stderr, 'err\ncommand terminated with exit code 3\n');
  t.is(r.code, 3);
  const ok = await kubectl(['exec', 'ticker', '--', 'echo', 'fine']);
  t.deepEqual(ok, { code: 0, stdout: 'fine\n', stderr: '' });
});

test.serial('kubectl exec -i: stdin reaches the command, its end closes it', async (t) => {
  const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const r = await kubectl(['exec', '-i', 'ticker', '--', 'sh', '-c', 'wc -l; echo done >&2'], lines);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.trim(), '2000');
  t.is(r.stderr, 'done\n');
});

test.serial('kubectl exec -it: a terminal in the pod, when kubectl has one', async (t) => {
  // `script` gives kubectl a pseudo-terminal as its stdin and stdout.
  const command = `${KUBECTL} exec -it ticker -- sh -c 'if [ -t 0 ] && [ -t 1 ]; then echo tty-yes; else echo tty-no; fi'`;
  const r = await new Promise<Result>((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: home }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  t.is(r.code, 0, `${r.stdout}${r.stderr}`);
  t.regex(r.stdout, /tty-yes\r?\n/);
});

test.serial('exec and logs on deploy/NAME, with kubectl and with corral: the workload\'s pod', async (t) => {
  await cluster.client.create(
    { group: 'apps', version: 'v1', plural: 'deployments', namespaced: true, kind: 'Deployment' },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hello', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'hello' } },
        template: {
          metadata: { labels: { app: 'hello' } },
          spec: { terminationGracePeriodSeconds: 2, containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo hello from $HOSTNAME; exec sleep 3600'] }] },
        },
      },
    },
    { namespace: 'default' },
  );
  const pod = await waitFor('the hello pod Running', async () => {
    const list = await cluster.client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=hello' });
    return list.items.find((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready);
  });
  const name = pod.metadata.name!;
  const viaKubectl = await kubectl(['exec', 'deploy/hello', '--', 'sh', '-c', 'echo in $HOSTNAME']);
  t.deepEqual(viaKubectl, { code: 0, stdout: `in ${name}\n`, stderr: '' });
  const viaCorral = await cluster.cli(['exec', 'deploy/hello', '--', 'sh', '-c', 'echo in $HOSTNAME; exit 5']);
  t.is(viaCorral.code, 5, viaCorral.stderr);
  t.is(viaCorral.stdout, `in ${name}\n`);
  const logs = await cluster.cli(['logs', 'deploy/hello']);
  t.is(logs.stdout, `hello from ${name}\n`, logs.stderr);
});

test.serial('kubectl logs, and logs -f following new lines', async (t) => {
  const once = await kubectl(['logs', 'ticker']);
  t.is(once.code, 0, once.stderr);
  t.regex(once.stdout, /^started\ntick 1\n/);
  const tail = await kubectl(['logs', 'ticker', '--tail=1']);
  t.regex(tail.stdout, /^tick \d+\n$/);

  const follow = spawn(KUBECTL, ['logs', '-f', 'ticker'], { env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void follow.kill('SIGKILL'));
  let seen = '';
  follow.stdout.on('data', (d: Buffer) => (seen += d.toString()));
  follow.stderr.on('data', (d: Buffer) => (seen += d.toString()));
  const last = (): number => Math.max(0, ...[...seen.matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
  const first = await waitFor('the log so far', async () => (last() > 0 ? last() : undefined), 15_000);
  // Lines written after kubectl started reach it while it keeps running.
  const later = await waitFor('new lines while following', async () => (last() >= first + 2 ? last() : undefined), 15_000);
  t.true(later >= first + 2);
  t.is(follow.exitCode, null, 'still following');
  t.regex(seen, /^started\ntick 1\n/);
});
