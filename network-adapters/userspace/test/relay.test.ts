import test from 'ava';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { readInto, relay } from '../src/relay.js';

// A proxy of the test's own on loopback, as the userspace proxy does it: each accepted connection
// is relayed to the backend, whose bytes are read into the shared buffer (readInto).
async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

async function through(backend: Server): Promise<{ port: number; close(): void }> {
  const backendPort = await listen(backend);
  const proxy = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port: backendPort, allowHalfOpen: true, onread: readInto(() => client) }, () => {
      relay(client, upstream);
      client.resume();
    });
  });
  const port = await listen(proxy);
  return {
    port,
    close: () => {
      proxy.close();
      backend.close();
    },
  };
}

test('a client that half-closes after its request still gets the whole reply', async (t) => {
  // The backend answers only once the request has ended (as `nc` clients and HTTP/1.0 do).
  const backend = createServer({ allowHalfOpen: true }, (s) => {
    let got = '';
    s.on('data', (d) => (got += d));
    s.on('end', () => s.end(`got ${got.length} bytes`));
  });
  const p = await through(backend);
  t.teardown(p.close);
  const reply = await new Promise<string>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: p.port, allowHalfOpen: true }, () => s.end('x'.repeat(100_000)));
    let text = '';
    s.on('data', (d) => (text += d));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
  t.is(reply, 'got 100000 bytes');
});

test('large transfers keep their bytes in order both ways; a backend that closes closes the client', async (t) => {
  const backend = createServer((s) => s.pipe(s));
  const p = await through(backend);
  t.teardown(p.close);
  const payload = Buffer.alloc(8 << 20);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 255;
  const echoed = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const s: Socket = connect({ host: '127.0.0.1', port: p.port }, () => s.write(payload));
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      length += d.length;
      if (length < payload.length) return;
      s.destroy();
      resolve(Buffer.concat(chunks));
    });
    s.on('error', reject);
  });
  t.true(echoed.equals(payload));

  const closed = await new Promise<boolean>((resolve) => {
    const server = createServer((s) => s.destroy());
    void through(server).then((q) => {
      const s = connect({ host: '127.0.0.1', port: q.port });
      s.on('error', () => undefined);
      s.on('close', () => {
        q.close();
        resolve(true);
      });
    });
  });
  t.true(closed);
});
