// An informer through a TCP proxy that the test cuts: connections dropped and refused for a
// while, then restored. The informer must catch up without a restart: its watch resumes from
// the last resourceVersion (history is intact, so no relist is needed).
import { createServer, type Server, type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { ConfigMap } from '../../../src/api/types.js';
import { ApiClient } from '../../../src/client/ApiClient.js';
import { informerFor } from '../../../src/client/informer/Informer.js';
import { startTestApiServer } from '../../../src/testing/index.js';
import { cm, eventually } from './helpers.js';

/** Forwards to `target`; `cut()` drops every connection and refuses new ones until `restore()`. */
async function proxy(target: URL): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

test('after a network outage the informer catches up on what changed meanwhile', async (t) => {
  const server = await startTestApiServer({ backend: 'embedded' });
  const direct = new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const net = await proxy(new URL(server.url));
  const viaProxy = new ApiClient({ server: net.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(async () => {
    viaProxy.close();
    direct.close();
    await net.close();
    await server.close();
  });
  const ns = 'outage';
  await direct.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await direct.create('configmaps', cm('a', ns));
  await direct.create('configmaps', cm('b', ns));
  const informer = informerFor<ConfigMap>(viaProxy, 'configmaps', { namespace: ns });
  const deleted: string[] = [];
  informer.onDelete((o, unknown) => deleted.push(`${o.metadata.name}${unknown ? ' (tombstone)' : ''}`));
  t.teardown(() => informer.stop());
  t.true(await informer.start().waitForSync());

  net.cut();
  await direct.delete('configmaps', 'a', { namespace: ns });
  await direct.create('configmaps', cm('c', ns));
  await new Promise((r) => setTimeout(r, 300));
  t.truthy(informer.cache.get(`${ns}/a`), 'still the old view while cut off');
  net.restore();

  await eventually(() => informer.cache.get(`${ns}/c`) !== undefined && informer.cache.get(`${ns}/a`) === undefined, 'the informer to catch up', 10_000);
  t.deepEqual(informer.cache.keys().sort(), [`${ns}/b`, `${ns}/c`]);
  t.deepEqual(deleted, ['a'], 'the delete came from the resumed watch, with its final state');
});
