// logs and exec through runCli against a scripted server (the agent that serves them for real
// comes later), and the connection flags (--kubeconfig, --context) picking the server.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import { writeKubeconfig } from '../../src/client/kubeconfig.js';
import { cliFor } from './helpers.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'team' },
  spec: { containers: [{ name: 'app', image: 'x' }, { name: 'side', image: 'y' }] },
};

interface Scripted {
  url: string;
  requests: URL[];
  close(): Promise<void>;
}

/** Discovery for pods, the pod itself, its log (streamed in chunks) and exec (WebSocket). */
async function scriptedServer(): Promise<Scripted> {
  const requests: URL[] = [];
  const json = (res: ServerResponse, body: unknown, code = 200): void => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url);
    if (url.pathname === '/api') return json(res, { kind: 'APIVersions', versions: ['v1'] });
    if (url.pathname === '/apis') return json(res, { kind: 'APIGroupList', groups: [] });
    if (url.pathname === '/api/v1') {
      return json(res, { kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', shortNames: ['po'], verbs: ['get'] }, { name: 'pods/log', namespaced: true, kind: 'Pod' }] });
    }
    if (url.pathname === '/api/v1/namespaces/team/pods/p') return json(res, POD);
    if (url.pathname === '/api/v1/namespaces/team/pods/p/log') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('line 1\n');
      setTimeout(() => res.write('line 2\n'), 20);
      setTimeout(() => res.end('héllo\n'), 40);
      return;
    }
    json(res, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${url.pathname} not found` }, 404);
  });
  server.on('upgrade', (req, socket) => {
    requests.push(new URL(req.url!, 'http://x'));
    // RFC 6455's GUID, written out: the client must accept what a standard server sends.
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, 'Sec-WebSocket-Protocol: v4.channel.k8s.io', '', ''].join('\r\n'));
    const frame = (channel: number, text: string): Buffer => {
      const payload = Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
      const length = payload.length < 126 ? Buffer.from([payload.length]) : Buffer.from([126, payload.length >> 8, payload.length & 255]);
      return Buffer.concat([Buffer.from([0x82]), length, payload]);
    };
    socket.write(frame(1, 'total 0\n'));
    socket.write(frame(2, 'ls: warning\n'));
    socket.write(frame(3, JSON.stringify({ metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code', details: { causes: [{ reason: 'ExitCode', message: '2' }] } })));
    socket.end(Buffer.from([0x88, 0]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

test('logs -f streams the log as it comes, with the container, tail and follow asked for', async (t) => {
  const server = await scriptedServer();
  const cli = cliFor(server.url);
  t.teardown(async () => {
    cli.close();
    await server.close();
  });
  const r = await cli.run(['logs', '-f', 'p', '-c', 'side', '--tail=2', '--timestamps', '-n', 'team']);
  t.is(r.code, 0, r.err);
  t.is(r.out, 'line 1\nline 2\nhéllo\n');
  const log = server.requests.find((u) => u.pathname.endsWith('/log'))!;
  t.is(log.searchParams.get('container'), 'side');
  t.is(log.searchParams.get('follow'), 'true');
  t.is(log.searchParams.get('tailLines'), '2');
  t.is(log.searchParams.get('timestamps'), 'true');
  const defaulted = await cli.run(['logs', 'pod/p', '-n', 'team']);
  t.is(defaulted.err, 'Defaulted container "app" out of: app, side\n');
});

test('exec prints the command\'s output and exits with its exit code', async (t) => {
  const server = await scriptedServer();
  const cli = cliFor(server.url);
  t.teardown(async () => {
    cli.close();
    await server.close();
  });
  const r = await cli.run(['exec', 'p', '-c', 'app', '-n', 'team', '--', 'ls', '-l', '/']);
  t.is(r.code, 2, r.err);
  t.is(r.out, 'total 0\n');
  t.is(r.err, 'ls: warning\ncommand terminated with exit code 2\n');
  const exec = server.requests.find((u) => u.pathname.endsWith('/exec'))!;
  t.deepEqual(exec.searchParams.getAll('command'), ['ls', '-l', '/']);
  t.is(exec.searchParams.get('container'), 'app');
  t.is(exec.searchParams.get('stdout'), 'true');
  t.is(exec.searchParams.get('stdin'), null);
});

test('--kubeconfig and --context pick the server and the default namespace', async (t) => {
  const server = await scriptedServer();
  const cli = cliFor(server.url);
  t.teardown(async () => {
    cli.close();
    await server.close();
  });
  const file = join(cli.dir, 'config');
  writeKubeconfig(file, { server: 'http://127.0.0.1:1', contextName: 'dead' });
  writeKubeconfig(file, { server: server.url, contextName: 'live', namespace: 'team' });
  writeKubeconfig(file, { server: 'http://127.0.0.1:1', contextName: 'dead' });
  const viaContext = await cli.run(['get', 'po', 'p', '-o', 'name', '--kubeconfig', file, '--context', 'live'], { noServer: true });
  t.is(viaContext.out, 'pod/p\n', viaContext.err);
  const viaEnv = await cli.run(['get', 'po', 'p', '-o', 'name', '--context', 'live'], { noServer: true, env: { KUBECONFIG: file } });
  t.is(viaEnv.out, 'pod/p\n', viaEnv.err);
  const current = await cli.run(['get', 'po', 'p', '--kubeconfig', file], { noServer: true });
  t.regex(current.err, /^The connection to the server 127\.0\.0\.1:1 was refused/);
  const unknown = await cli.run(['get', 'po', '--kubeconfig', file, '--context', 'nope'], { noServer: true });
  t.is(unknown.err, `error: context "nope" does not exist in ${file}\n`);
});
