// HollowAgent registration racing another status writer (node-lifecycle marking nodes after a
// server restart): its status write gets 409, and it must read the node again and write again
// rather than fail start().
import test from 'ava';
import type { Node } from '../../src/api/types.js';
import { ApiClient } from '../../src/client/ApiClient.js';
import { HollowAgent, startTestApiServer } from '../../src/testing/index.js';

test('registration retries a status write that conflicts with another writer', async (t) => {
  const server = await startTestApiServer({ backend: 'embedded' });
  const client = new ApiClient({ server: server.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(async () => {
    client.close();
    await server.close();
  });
  // Before each node's first status write, another writer changes that node's status, so the
  // agent's write carries a stale resourceVersion.
  const raced = new Set<string>();
  const racing = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop !== 'updateStatus') return Reflect.get(target, prop, receiver);
      return async (resource: string, obj: Node) => {
        const name = obj.metadata.name!;
        if (!raced.has(name)) {
          raced.add(name);
          const unknown = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'the lease is stale' };
          await client.patch('nodes', name, { status: { conditions: [unknown] } }, 'merge', { subresource: 'status' });
        }
        return client.updateStatus(resource, obj);
      };
    },
  });
  const agent = await HollowAgent.start({ client: racing, nodes: 3, prefix: 'race-', leases: false });
  t.teardown(() => agent.stop());
  t.is(raced.size, 3, 'every node raced');
  for (const name of ['race-0', 'race-1', 'race-2']) {
    const node = await client.get<Node>('nodes', name);
    t.is(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', name);
  }
});
