// rollout (status, history, undo, pause, resume, restart), logs and exec through runCli. No
// controller runs here: the tests write the ReplicaSets and the Deployment's status themselves
// and check the API effects.
import type { Deployment, Pod, ReplicaSet } from '../../src/api/types.js';
import { cliTest, deploymentYaml, type Cli } from './helpers.js';

const test = cliTest();

interface Setup {
  ns: string;
  d: Deployment;
}

/** A Deployment on image v3, with ReplicaSets for revisions 1 (v1), 2 (v2) and 3 (v3). */
async function withHistory(cli: Cli): Promise<Setup> {
  const ns = await cli.namespace();
  const r = await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web', { image: 'app:v3', replicas: 3 }) });
  if (r.code !== 0) throw new Error(r.err);
  const d = await cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  for (const revision of [1, 2, 3]) {
    const template = structuredClone(d.spec.template);
    template.metadata = { labels: { ...template.metadata?.labels, 'pod-template-hash': `h${revision}` } };
    template.spec.containers[0]!.image = `app:v${revision}`;
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `web-h${revision}`,
        labels: { app: 'web', 'pod-template-hash': `h${revision}` },
        annotations: { 'deployment.kubernetes.io/revision': String(revision), ...(revision === 2 ? { 'kubernetes.io/change-cause': 'corral set image app:v2' } : {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: revision === 3 ? 3 : 0, selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } }, template },
    };
    await cli.client.create('rs', rs, { namespace: ns });
  }
  // A ReplicaSet another Deployment owns is not part of this history.
  await cli.client.create('rs', {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'other', annotations: { 'deployment.kubernetes.io/revision': '9' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'x', uid: 'someone-else', controller: true }] },
    spec: { replicas: 0, selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } }, spec: { containers: [{ name: 'c', image: 'o' }] } } },
  } as ReplicaSet, { namespace: ns });
  return { ns, d };
}

const image = async (cli: Cli, ns: string): Promise<string | undefined> =>
  (await cli.client.get<Deployment>('deploy', 'web', { namespace: ns })).spec.template.spec.containers[0]!.image;

test('rollout history lists the owned ReplicaSets\' revisions and change causes; --revision shows a template', async (t) => {
  const { cli } = t.context;
  const { ns } = await withHistory(cli);
  const r = await cli.run(['rollout', 'history', 'deployment/web', '-n', ns]);
  t.is(r.code, 0, r.err);
  t.is(r.out, 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         corral set image app:v2\n3         <none>\n\n');
  const one = await cli.run(['rollout', 'history', 'deploy', 'web', '--revision=1', '-n', ns]);
  t.regex(one.out, /^deployment\.apps\/web with revision #1\nPod Template:\n {2}Labels:\s+app=web\n\s+pod-template-hash=h1\n/);
  t.regex(one.out, /\n {6}Image:\s+app:v1\n/);
  const none = await cli.run(['rollout', 'history', 'deploy', 'web', '--revision=7', '-n', ns]);
  t.is(none.err, 'error: unable to find specified revision 7 in history\n');
});

test('rollout undo restores the previous revision\'s template, or --to-revision\'s; a match is skipped', async (t) => {
  const { cli } = t.context;
  const { ns } = await withHistory(cli);
  const undo = await cli.run(['rollout', 'undo', 'deploy/web', '-n', ns]);
  t.is(undo.out, 'deployment.apps/web rolled back\n', undo.err);
  const d = await cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  t.is(d.spec.template.spec.containers[0]!.image, 'app:v2');
  t.is(d.spec.template.metadata?.labels?.['pod-template-hash'], undefined, 'the hash label is not copied');
  t.is(d.metadata.annotations?.['kubernetes.io/change-cause'], 'corral set image app:v2');
  t.is((await cli.run(['rollout', 'undo', 'deploy/web', '--to-revision=1', '-n', ns])).out, 'deployment.apps/web rolled back\n');
  t.is(await image(cli, ns), 'app:v1');
  const same = await cli.run(['rollout', 'undo', 'deploy/web', '--to-revision=1', '-n', ns]);
  t.is(same.out, 'deployment.apps/web skipped rollback (current template already matches revision 1)\n');
  const pods = await cli.run(['rollout', 'undo', 'pod/x', '-n', ns]);
  t.is(pods.code, 1);
  t.regex(pods.err, /not supported here/);
});

test('rollout undo without history, and while paused, are errors', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web') });
  const none = await cli.run(['rollout', 'undo', 'deploy/web', '-n', ns]);
  t.is(none.err, 'error: no rollout history found for deployment "web"\n');
  t.is((await cli.run(['rollout', 'pause', 'deploy/web', '-n', ns])).out, 'deployment.apps/web paused\n');
  const paused = await cli.run(['rollout', 'undo', 'deploy/web', '-n', ns]);
  t.regex(paused.err, /^error: you cannot rollback a paused deployment; resume it first/);
});

test('rollout pause, resume and restart change the Deployment as kubectl does', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web') });
  const get = (): Promise<Deployment> => cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  t.is((await cli.run(['rollout', 'pause', 'deploy/web', '-n', ns])).out, 'deployment.apps/web paused\n');
  t.true((await get()).spec.paused);
  t.is((await cli.run(['rollout', 'pause', 'deploy/web', '-n', ns])).err, 'error: deployments.apps "web" is already paused\n');
  t.regex((await cli.run(['rollout', 'restart', 'deploy/web', '-n', ns])).err, /can't restart paused deployment/);
  t.is((await cli.run(['rollout', 'resume', 'deploy/web', '-n', ns])).out, 'deployment.apps/web resumed\n');
  t.falsy((await get()).spec.paused);
  t.is((await cli.run(['rollout', 'resume', 'deploy/web', '-n', ns])).err, 'error: deployments.apps "web" is not paused\n');
  t.is((await cli.run(['rollout', 'restart', 'deploy/web', '-n', ns])).out, 'deployment.apps/web restarted\n');
  const restartedAt = (await get()).spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
  t.regex(String(restartedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

async function setStatus(cli: Cli, ns: string, status: Deployment['status'] & object): Promise<void> {
  const d = await cli.client.get<Deployment>('deploy', 'web', { namespace: ns });
  await cli.client.updateStatus('deploy', { ...d, status: { observedGeneration: d.metadata.generation, ...status } });
}

test('rollout status reads the Deployment\'s status as kubectl does, and waits until the rollout is done', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web', { replicas: 3 }) });
  const once = (): Promise<{ code: number; out: string; err: string }> => cli.run(['rollout', 'status', 'deploy/web', '--watch=false', '-n', ns]);
  t.is((await once()).out, 'Waiting for deployment spec update to be observed...\n');
  await setStatus(cli, ns, { replicas: 3, updatedReplicas: 1, availableReplicas: 1 });
  t.is((await once()).out, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n');
  await setStatus(cli, ns, { replicas: 4, updatedReplicas: 3, availableReplicas: 2 });
  t.is((await once()).out, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...\n');
  await setStatus(cli, ns, { replicas: 3, updatedReplicas: 3, availableReplicas: 2 });
  t.is((await once()).out, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\n');

  const waiting = cli.run(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=20s']);
  await new Promise((r) => setTimeout(r, 300));
  await setStatus(cli, ns, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  const done = await waiting;
  t.is(done.code, 0, done.err);
  t.is(done.out, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...\ndeployment "web" successfully rolled out\n');
});

test('rollout status fails on ProgressDeadlineExceeded and on --timeout', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web', { replicas: 2 }) });
  await setStatus(cli, ns, { replicas: 2, updatedReplicas: 1, availableReplicas: 1 });
  const timeout = await cli.run(['rollout', 'status', 'deploy/web', '-n', ns, '--timeout=300ms']);
  t.is(timeout.code, 1);
  t.is(timeout.err, 'error: timed out waiting for the condition\n');
  await setStatus(cli, ns, {
    replicas: 2,
    updatedReplicas: 1,
    conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }],
  });
  const stuck = await cli.run(['rollout', 'status', 'deploy/web', '-n', ns]);
  t.is(stuck.code, 1);
  t.is(stuck.err, 'error: deployment "web" exceeded its progress deadline\n');
});

test('logs and exec of a pod with no node: the server\'s reason, exit 1', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  await cli.client.create('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } } as Pod, { namespace: ns });
  const logs = await cli.run(['logs', 'p', '-n', ns, '--tail=10']);
  t.is(logs.code, 1);
  t.regex(logs.err, /^Defaulted container "a" out of: a, b\nError from server \(BadRequest\): pod p does not have a node assigned yet/);
  const exec = await cli.run(['exec', '-i', 'p', '-c', 'b', '-n', ns, '--', 'ls', '-la']);
  t.is(exec.code, 1);
  t.regex(exec.err, /^Error from server \(BadRequest\): pod p does not have a node assigned yet/);
  const noCommand = await cli.run(['exec', 'p', '-n', ns]);
  t.is(noCommand.err, 'error: you must specify at least one command for the container, after --\n');
  const missing = await cli.run(['logs', 'ghost', '-n', ns]);
  t.is(missing.err, 'Error from server (NotFound): pods "ghost" not found\n');
  const viaDeployment = await cli.run(['logs', 'deploy/none', '-n', ns]);
  t.is(viaDeployment.err, 'Error from server (NotFound): deployments.apps "none" not found\n');
});
