// pods/log and pods/exec through the API server, relayed to the agent's port.
import test from 'ava';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { awaitUpgrade, upgradeHeaders } from '../../src/client/websocket.js';
import { createPod, pod, podUntil, startAgentEnv, waitFor } from './helpers.js';

test('logs: whole, tailLines, timestamps, limitBytes, previous, follow', async (t) => {
  const env = await startAgentEnv(t);
  env.runtime.script('talker:1', { logs: ['one', 'two', 'three'] });
  await createPod(env.client, pod('talk', { containers: [{ name: 'app', image: 'talker:1' }, { name: 'side', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'talk', 'Running', (p) => p.status?.phase === 'Running');
  t.is(await env.client.logs('talk', { container: 'app' }), 'one\ntwo\nthree\n');
  t.is(await env.client.logs('talk', { container: 'app', tailLines: 1 }), 'three\n');
  t.regex(await env.client.logs('talk', { container: 'app', timestamps: true }), /^\d{4}-\d\d-\d\dT\S+Z one\n/);
  t.is(await env.client.logs('talk', { container: 'app', limitBytes: 6 }), 'one\ntw');
  await t.throwsAsync(env.client.logs('talk', { container: 'app', previous: true }), { message: /previous terminated container "app" in pod "talk" not found/ });

  // Follow: lines printed later arrive on the open stream.
  // (The API server's relay sends the response head with the first bytes, so the stream opens
  // once there is a line to read.)
  const abort = new AbortController();
  const opening = env.client.logStream('talk', { container: 'app', follow: true, tailLines: 0, signal: abort.signal });
  const [current] = env.runtime.containersOf('app');
  await waitFor('the follower attached', () => current!.followers.size === 1);
  env.runtime.print(current!.id, 'four');
  const stream = await opening;
  let followed = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (followed += chunk));
  stream.on('error', () => undefined);
  await waitFor('the followed line', () => followed === 'four\n');
  env.runtime.print(current!.id, 'five');
  await waitFor('a second followed line', () => followed === 'four\nfive\n');
  abort.abort();
  await waitFor('the follower detached when the client left', () => current!.followers.size === 0);

  // After a crash the previous instance's log stays readable.
  env.runtime.exit(current!.id, 1);
  await podUntil(env.client, 'talk', 'restarted', (p) => p.status?.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0]!.state?.running !== undefined);
  const [, next] = env.runtime.containersOf('app');
  env.runtime.print(next!.id, 'fresh');
  t.is(await env.client.logs('talk', { container: 'app', previous: true }), 'one\ntwo\nthree\nfour\nfive\n');
  t.is(await env.client.logs('talk', { container: 'app', tailLines: 1 }), 'fresh\n');
});

test('exec: stdout, stderr, exit codes and stdin, through the API server', async (t) => {
  const env = await startAgentEnv(t);
  env.runtime.execHandler = async (_c, options, io) => {
    if (options.command[0] !== 'report') return undefined;
    io.stdout.write('to out\n');
    io.stderr.write('to err\n');
    return 7;
  };
  await createPod(env.client, pod('shell', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'shell', 'Running', (p) => p.status?.phase === 'Running');

  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const echo = await env.client.exec('shell', { command: ['echo', 'hello', 'world'], stdout: { write: (b: Buffer) => out.push(b) }, stderr: { write: (b: Buffer) => err.push(b) } });
  t.is(echo.exitCode, 0);
  t.is(Buffer.concat(out).toString(), 'hello world\n');

  out.length = 0;
  const failed = await env.client.exec('shell', { command: ['report'], stdout: { write: (b: Buffer) => out.push(b) }, stderr: { write: (b: Buffer) => err.push(b) } });
  t.is(failed.exitCode, 7);
  t.is(Buffer.concat(out).toString(), 'to out\n');
  t.is(Buffer.concat(err).toString(), 'to err\n');

  out.length = 0;
  const stdin = new PassThrough();
  const cat = env.client.exec('shell', { command: ['cat'], stdin, stdout: { write: (b: Buffer) => out.push(b) } });
  stdin.write('typed ');
  stdin.end('in\n');
  t.is((await cat).exitCode, 0);
  t.is(Buffer.concat(out).toString(), 'typed in\n');

  await t.throwsAsync(env.client.exec('shell', { command: ['echo'], container: 'nope' }), { message: /container nope is not valid for pod shell/ });
  const missing = await env.client.exec('shell', { command: ['no-such-command'], stderr: { write: (b: Buffer) => err.push(b) } });
  t.is(missing.exitCode, 127);
});

test('exec with a TTY: resize messages reach the runtime, stdin closes with the v5 close channel', async (t) => {
  const env = await startAgentEnv(t);
  await createPod(env.client, pod('tty', { containers: [{ name: 'app', image: 'nginx:1.25' }] }));
  await podUntil(env.client, 'tty', 'Running', (p) => p.status?.phase === 'Running');
  const url = new URL(`${env.api.url}/api/v1/namespaces/default/pods/tty/exec?command=cat&stdin=true&stdout=true&tty=true`);
  const { headers, key } = upgradeHeaders(['v5.channel.k8s.io']);
  const ws = await awaitUpgrade(request(url, { method: 'GET', headers }), key);
  t.is(ws.protocol, 'v5.channel.k8s.io');
  let out = '';
  let status: { status?: string } | undefined;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('message', (m: Buffer) => {
    if (m[0] === 1) out += m.subarray(1).toString();
    if (m[0] === 3) status = JSON.parse(m.subarray(1).toString()) as { status?: string };
  });
  ws.start();
  ws.send(Buffer.concat([Buffer.from([4]), Buffer.from(JSON.stringify({ Width: 120, Height: 40 }))]));
  ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('typed')]));
  await waitFor('the echo', () => out === 'typed');
  ws.send(Buffer.from([255, 0]));
  await closed;
  t.is(status?.status, 'Success');
  t.deepEqual(env.runtime.resizes.map(({ cols, rows }) => ({ cols, rows })), [{ cols: 120, rows: 40 }]);
});
