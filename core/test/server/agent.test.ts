// pods/log and pods/exec relayed to the agent of the pod's node, here a fake agent on loopback:
// a plain response streamed back, and an upgraded (exec) connection bridged both ways.
import test from 'ava';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Api, pod } from './helpers.js';
import { startTestApiServer } from '../../src/testing/index.js';

interface FakeAgent {
  server: Server;
  port: number;
  seen: string[];
}

async function fakeAgent(): Promise<FakeAgent> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (req.url?.startsWith('/containerLogs/')) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('line 1\n');
      setTimeout(() => res.end('line 2\n'), 20);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('no such thing');
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    seen.push(`UPGRADE ${req.method} ${req.url} ${req.headers.upgrade}`);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), d])));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, seen };
}

test('log and exec reach the agent of the pod node; upgrades are bridged', async (t) => {
  const agent = await fakeAgent();
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(async () => {
    await api.close();
    agent.server.closeAllConnections();
    await new Promise((resolve) => agent.server.close(resolve));
  });
  const client = new Api(api.url);
  await client.post('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
  await client.patch('/api/v1/nodes/n1/status', { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: agent.port } } } });
  await client.post('/api/v1/namespaces/default/pods', pod('web', { spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nginx' }, { name: 'side', image: 'busybox' }] } }));

  const needsContainer = await client.get('/api/v1/namespaces/default/pods/web/log');
  t.is(needsContainer.status, 400);
  t.regex(needsContainer.body.message, /choose one of: \[app side\]/);

  const logs = await fetch(`${api.url}/api/v1/namespaces/default/pods/web/log?container=side&tailLines=5&follow=true`);
  t.is(logs.status, 200);
  t.is(await logs.text(), 'line 1\nline 2\n');
  t.is(agent.seen[0], 'GET /containerLogs/default/web/side?tailLines=5&follow=true');

  const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  socket.write('POST /api/v1/namespaces/default/pods/web/exec?container=app&command=ls&stdout=true HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nContent-Length: 0\r\n\r\n');
  const waitFor = async (text: string): Promise<boolean> => {
    for (let i = 0; i < 100 && !received.includes(text); i++) await new Promise((r) => setTimeout(r, 20));
    return received.includes(text);
  };
  t.true(await waitFor('\r\n\r\n'), received);
  t.regex(received, /^HTTP\/1.1 101 Switching Protocols/);
  socket.write('hello');
  t.true(await waitFor('echo:hello'), received);
  t.true(agent.seen.includes('UPGRADE POST /exec/default/web/app?command=ls&stdout=true SPDY/3.1'), agent.seen.join('\n'));
});

test('an upgrade request that fails gets a Status like any other', async (t) => {
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => api.close());
  const socket = connect(Number(new URL(api.url).port), '127.0.0.1');
  t.teardown(() => void socket.destroy());
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  const ended = new Promise((resolve) => socket.on('end', resolve));
  socket.write('GET /api/v1/namespaces/default/pods/none/exec?command=ls HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  await ended;
  t.regex(received, /^HTTP\/1.1 404/);
  t.regex(received, /"reason":"NotFound"/);
});
