// examples/hello's README steps against a running `corral up`, whatever its runtime: three
// replicas behind a NodePort Service, answering by ClusterIP, by NodePort and by DNS name.
import type { ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@corral/core/testing';
import { exampleDir, httpGet, type ExampleCluster } from './examples.js';

const run = promisify(execFile);

/** Who answered `count` GETs: the pod names of "hello from NAME" pages. */
async function answerers(host: string, port: number, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await httpGet(host, port);
    if (status !== 200) throw new Error(`GET http://${host}:${port}/ answered ${status}: ${body}`);
    const m = /^hello from (\S+)\n$/.exec(body);
    if (!m) throw new Error(`GET http://${host}:${port}/ answered an unexpected page: ${JSON.stringify(body)}`);
    names.push(m[1]!);
  }
  return names;
}

/**
 * Runs the README's steps; `runtime` is what the pods' containerIDs must start with. A step that
 * fails carries the end of what the cluster's processes printed.
 */
export async function checkHello(t: ExecutionContext, cluster: ExampleCluster, runtime: string): Promise<void> {
  try {
    await helloSteps(t, cluster, runtime);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- the cluster's output ---\n${cluster.output().slice(-6000)}`);
  }
}

async function helloSteps(t: ExecutionContext, cluster: ExampleCluster, runtime: string): Promise<void> {
  const { corral } = cluster;
  const manifest = join(exampleDir('hello'), 'hello.yaml');

  const applied = await corral('apply', '-f', manifest);
  t.regex(applied, /deployment\.apps\/hello created/);
  t.regex(applied, /service\/hello created/);
  t.regex(await corral('rollout', 'status', 'deployment/hello', '--timeout', '90s'), /successfully rolled out/);
  const pods = (await corral('get', 'pods', '-l', 'app=hello', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.containerStatuses[0].containerID}{"\\n"}{end}'))
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  t.is(pods.length, 3, 'three replicas');
  t.true(pods.every(([, phase]) => phase === 'Running'), JSON.stringify(pods));
  t.true(pods.every(([, , id]) => id?.startsWith(`${runtime}://`)), `containers of the ${runtime} runtime: ${JSON.stringify(pods)}`);
  const podNames = new Set(pods.map(([name]) => name!));

  const [clusterIP = '', nodePortText = ''] = (await corral('get', 'svc', 'hello', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[0].nodePort}')).split(' ');
  const nodePort = Number(nodePortText);
  t.regex(clusterIP, new RegExp(`^10\\.223\\.${cluster.subnet}\\.\\d+$`), `a ClusterIP from the test's Service range: ${clusterIP}`);
  t.true(nodePort >= cluster.nodePorts[0] && nodePort <= cluster.nodePorts[1], `a NodePort from the test's range: ${nodePort}`);
  // Every endpoint is listed as soon as the rollout is done; the proxy follows within moments.
  await waitFor('the proxy to send to all three', async () => new Set(await answerers(clusterIP, 80, 6)).size === 3, 30_000);

  const byClusterIP = await answerers(clusterIP, 80, 9);
  t.true(byClusterIP.every((name) => podNames.has(name)), `answers from the Deployment's pods: ${byClusterIP.join(' ')}`);
  t.true(new Set(byClusterIP).size > 1, `more than one replica answers: ${byClusterIP.join(' ')}`);
  const byNodePort = await answerers(cluster.nodeAddress, nodePort, 9);
  t.true(byNodePort.every((name) => podNames.has(name)));
  t.true(new Set(byNodePort).size > 1, `more than one replica answers on the NodePort: ${byNodePort.join(' ')}`);

  // The name, through the cluster DNS at kube-system/kube-dns's ClusterIP, from the host.
  const dnsIP = await corral('get', 'svc', 'kube-dns', '-n', 'kube-system', '-o', 'jsonpath={.spec.clusterIP}');
  const { stdout: lookup } = await run('busybox', ['nslookup', 'hello.default.svc.cluster.local', dnsIP], { timeout: 20_000 });
  const resolved = /Name:\s+hello\.default\.svc\.cluster\.local\s+Address:\s+(\S+)/.exec(lookup)?.[1];
  t.is(resolved, clusterIP, lookup);
  const byName = await answerers(resolved!, 80, 6);
  t.true(new Set(byName).size > 1, `more than one replica answers by name: ${byName.join(' ')}`);

  // From inside a pod: the Service's ClusterIP and the DNS answer there too.
  const somePod = [...podNames][0]!;
  const fromPod = await corral('exec', somePod, '--', 'busybox', 'wget', '-qO-', `http://${clusterIP}/`);
  t.regex(fromPod, /^hello from hello-/);
  t.regex(await corral('exec', somePod, '--', 'busybox', 'nslookup', 'hello.default.svc.cluster.local', dnsIP), new RegExp(`Address:\\s+${clusterIP.replace(/\./g, '\\.')}`));

  t.regex(await corral('delete', '-f', manifest), /deployment\.apps "hello" deleted/);
  await waitFor('the pods gone', async () => (await corral('get', 'pods', '-l', 'app=hello', '-o', 'name')).trim() === '', 60_000);
}
