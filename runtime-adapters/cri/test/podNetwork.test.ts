// A cri node with the bridge pod network configured, as `corral agent` runs it: containerd's CNI
// gives each pod its network, so the agent must not make one of its own beside it (a second
// namespace and a second address from the same subnet, on the same kind of bridge).
import test from 'ava';
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiClient, PODS, type Pod } from '@corral/core';
import { startAgentFor } from '@corral/core/agent';
import { createCorral } from '@corral/core/kernel';
import { removeForwardAccept } from '@corral/core/net';
import { startTestApiServer, waitFor } from '@corral/core/testing';
import { CriRuntime } from '../src/index.js';
import { startContainerd } from '../src/testing/index.js';

const NODE = 'cri-net-node';
const run = promisify(execFile);

function ipInSubnet(ip: string, subnet: string): boolean {
  const [net, bits] = subnet.split('/') as [string, string];
  const toInt = (a: string) => a.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const mask = 2 ** 32 - 2 ** (32 - Number(bits));
  return (toInt(ip) & mask) >>> 0 === (toInt(net) & mask) >>> 0;
}

test('a cri pod has one address, containerd\'s CNI one, reported as its pod IP; the agent makes no network of its own', async (t) => {
  const containerd = await startContainerd();
  t.teardown(async () => {
    const leftover = await containerd.stop();
    if (leftover.length > 0) throw new Error(`shims outlived their pods and were killed: ${leftover.join(', ')}`);
  });
  const dir = await mkdtemp(join(tmpdir(), 'corral-cri-net-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const api = await startTestApiServer({ backend: 'embedded' });
  t.teardown(() => api.close());
  const client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  t.teardown(() => client.close());

  // The bridge network on a bridge and subnet of the test's own, which it would use if called.
  const bridge = `crl${randomInt(1e6, 1e7)}`;
  const subnet = `10.${randomInt(200, 250)}.${randomInt(0, 256)}.0/24`;
  const configFile = join(dir, 'corral.yaml');
  const defaultConfigFile = join(dir, 'default.yaml');
  await writeFile(defaultConfigFile, 'apiVersion: corral.dev/v1alpha1\nkind: CorralConfig\nplugins: []\n');
  await writeFile(
    configFile,
    [
      'apiVersion: corral.dev/v1alpha1',
      'kind: CorralConfig',
      'plugins:',
      '  - name: "@corral/runtime-cri"',
      `    options: { endpoint: "${containerd.endpoint}", cgroupParent: "${containerd.cgroupParent}" }`,
      '  - name: "@corral/network-bridge"',
      `    options: { bridge: ${bridge}, podCIDR: "${subnet}" }`,
      'agent:',
      '  runtime: cri',
      '  network: { pods: bridge, services: none }',
      '',
    ].join('\n'),
  );
  const corral = await createCorral({ role: 'agent', configFile, defaultConfigFile });
  const agent = await startAgentFor(corral, { client, nodeName: NODE, rootDir: join(dir, 'agent'), listen: { host: '127.0.0.1', port: 0 }, nodeIP: '127.0.0.1' });
  t.teardown(() => agent.stop());

  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'one-address', namespace: 'default' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'app', image: containerd.image, imagePullPolicy: 'Never', command: ['sh', '-c', 'exec sleep 3600'] }],
    },
  };
  const uid = (await client.create<Pod>(PODS, pod)).metadata.uid!;
  // Should the agent set up the bridge network after all, what it made goes with the test.
  t.teardown(async () => {
    if (existsSync(`/run/netns/corral-${uid}`)) await run('ip', ['netns', 'del', `corral-${uid}`]);
    if (existsSync(`/sys/class/net/${bridge}`)) {
      await run('ip', ['link', 'del', bridge]);
      // The bridge network's accept chain, named as it names it.
      await removeForwardAccept({ chain: `CRLFWD-${bridge}`, comment: 'corral pod network' });
    }
  });
  const running = await waitFor(
    'the pod Running with an IP',
    async () => {
      const p = await client.get<Pod>(PODS, 'one-address', { namespace: 'default' });
      return p.status?.phase === 'Running' && p.status.podIP ? p : undefined;
    },
    60_000,
  );
  const podIP = running.status!.podIP!;
  t.true(ipInSubnet(podIP, containerd.subnet), `pod IP ${podIP} is in containerd's CNI subnet ${containerd.subnet}`);
  t.false(ipInSubnet(podIP, subnet), 'not an address of the bridge network');
  t.deepEqual(running.status!.podIPs, [{ ip: podIP }]);

  // Inside the pod: loopback and the one CNI address, nothing else.
  const runtime = new CriRuntime({ endpoint: containerd.endpoint, nodeName: NODE });
  t.teardown(() => runtime.close());
  const containerId = running.status!.containerStatuses![0]!.containerID!.replace('cri://', '');
  const { stdout, exitCode } = await runtime.execSync(containerId, ['ip', '-o', '-4', 'addr', 'show'], 10);
  t.is(exitCode, 0);
  const addresses = stdout
    .toString('utf8')
    .split('\n')
    .map((line) => /\binet (\d+\.\d+\.\d+\.\d+)\//.exec(line)?.[1])
    .filter((a): a is string => a !== undefined && a !== '127.0.0.1');
  t.deepEqual(addresses, [podIP], stdout.toString('utf8'));

  // Nothing of the bridge network on the node: no namespace named for the pod, no bridge.
  t.false(existsSync(`/run/netns/corral-${uid}`), 'no network namespace of Corral\'s for the pod');
  t.false(existsSync(`/sys/class/net/${bridge}`), 'the bridge network made no bridge');

  await client.delete(PODS, 'one-address', { namespace: 'default' });
  await waitFor(
    'the pod gone',
    async () => {
      try {
        await client.get<Pod>(PODS, 'one-address', { namespace: 'default' });
        return false;
      } catch {
        return true;
      }
    },
    60_000,
  );
  t.false(existsSync(`/run/netns/corral-${uid}`));
  t.deepEqual(await runtime.listPodSandboxes(), [], 'the sandbox, and with it its CNI network, is gone');
});
