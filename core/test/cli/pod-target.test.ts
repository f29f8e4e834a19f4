// exec and logs take TYPE/NAME as kubectl does: pod/NAME, or a workload standing for its first
// pod. No agent runs here, so the server's "no node" refusal names the pod the command picked.
import type { Pod } from '../../src/api/types.js';
import { cliTest, deploymentYaml, type Cli } from './helpers.js';

const test = cliTest();

function pod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'main', image: 'x' }] } };
}

/** Marks a pod running and ready (status only: no agent here). */
async function runningAndReady(cli: Cli, ns: string, name: string): Promise<void> {
  const current = await cli.client.get<Pod>('pods', name, { namespace: ns });
  await cli.client.updateStatus('pods', { ...current, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }, { namespace: ns });
}

const picked = (err: string): string | undefined => /pod (\S+) does not have a node assigned yet/.exec(err)?.[1];

test('exec and logs on deploy/NAME, rs/NAME and rc/NAME use the workload\'s first pod, running and ready ones first', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  t.is((await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('hello') })).code, 0);
  await cli.client.create('pods', pod('hello-old', { app: 'hello' }), { namespace: ns });
  await new Promise((r) => setTimeout(r, 1100)); // creation timestamps have second resolution
  await cli.client.create('pods', pod('hello-new', { app: 'hello' }), { namespace: ns });
  await cli.client.create('pods', pod('other', { app: 'other' }), { namespace: ns });

  const exec = await cli.run(['exec', 'deploy/hello', '-n', ns, '--', 'echo', 'hi']);
  t.is(exec.code, 1);
  t.is(picked(exec.err), 'hello-old', exec.err);
  t.regex(exec.err, /^Error from server/, 'exec keeps stderr for the command');
  const logs = await cli.run(['logs', 'deployment/hello', '-n', ns]);
  t.is(picked(logs.err), 'hello-old', logs.err);
  t.regex(logs.err, /^Found 2 pods, using pod\/hello-old\n/);

  // A running, ready pod wins over an older one that is not.
  await runningAndReady(cli, ns, 'hello-new');
  t.is(picked((await cli.run(['exec', 'deploy/hello', '-n', ns, '--', 'true'])).err), 'hello-new');
  t.is(picked((await cli.run(['logs', 'deploy/hello', '-n', ns])).err), 'hello-new');

  await cli.client.create(
    'rs',
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'other' }, spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'main', image: 'x' }] } } } },
    { namespace: ns },
  );
  t.is(picked((await cli.run(['exec', 'rs/other', '-n', ns, '--', 'true'])).err), 'other');
  await cli.client.create(
    'replicationcontrollers',
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'other-rc' }, spec: { selector: { app: 'other' }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'main', image: 'x' }] } } } },
    { namespace: ns },
  );
  t.is(picked((await cli.run(['logs', 'rc/other-rc', '-n', ns])).err), 'other');
});

test('exec and logs on pod/NAME and po/NAME; unknown workloads and workloads without pods say so', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.client.create('pods', pod('solo', { app: 'solo' }), { namespace: ns });
  t.is(picked((await cli.run(['exec', 'pod/solo', '-n', ns, '--', 'true'])).err), 'solo');
  t.is(picked((await cli.run(['exec', 'po/solo', '-n', ns, '--', 'true'])).err), 'solo');
  t.is(picked((await cli.run(['logs', 'pods/solo', '-n', ns])).err), 'solo');

  const missing = await cli.run(['exec', 'deploy/ghost', '-n', ns, '--', 'true']);
  t.is(missing.err, 'Error from server (NotFound): deployments.apps "ghost" not found\n');
  t.is((await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('empty') })).code, 0);
  const empty = await cli.run(['exec', 'deploy/empty', '-n', ns, '--', 'true']);
  t.is(empty.code, 1);
  t.is(empty.err, 'error: no pods of deploy/empty found\n');
  const badType = await cli.run(['exec', 'nosuchtype/x', '-n', ns, '--', 'true']);
  t.regex(badType.err, /the server doesn't have a resource type "nosuchtype"/);
});
