// get, describe, api-resources, version and completion through runCli against a real server.
import { parse } from 'yaml';
import type { Event, Pod } from '../../src/api/types.js';
import { cliTest, deploymentYaml, type Cli } from './helpers.js';

const test = cliTest();

function pod(name: string, labels: Record<string, string> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } };
}

async function withPods(cli: Cli): Promise<string> {
  const ns = await cli.namespace();
  await cli.client.create('pods', pod('alpha', { app: 'a', tier: 'web' }), { namespace: ns });
  await cli.client.create('pods', pod('beta', { app: 'b' }), { namespace: ns });
  return ns;
}

test('get prints the server\'s table; -o wide, --no-headers, --show-labels, -l and names', async (t) => {
  const { cli } = t.context;
  const ns = await withPods(cli);
  const table = await cli.run(['get', 'pods', '-n', ns]);
  t.is(table.code, 0, table.err);
  const lines = table.out.trimEnd().split('\n');
  t.regex(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
  t.regex(lines[1]!, /^alpha\s+0\/1\s+Pending\s+0\s+\d+s$/);
  t.regex(lines[2]!, /^beta\s+/);
  t.regex((await cli.run(['get', 'po', '-n', ns, '-o', 'wide'])).out.split('\n')[0]!, /\bIP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
  t.regex((await cli.run(['get', 'po', '-n', ns, '--no-headers'])).out, /^alpha\s.*\nbeta\s.*\n$/);
  const labels = await cli.run(['get', 'po', 'alpha', '-n', ns, '--show-labels']);
  t.regex(labels.out, /LABELS\nalpha\s.*\s+app=a,tier=web\n$/);
  t.regex((await cli.run(['get', 'po', '-l', 'app=b', '-n', ns])).out, /\nbeta\s[^\n]*\n$/);
  const missing = await cli.run(['get', 'po', 'alpha', 'nope', '-n', ns]);
  t.is(missing.code, 1);
  t.regex(missing.out, /\nalpha\s/);
  t.is(missing.err, 'Error from server (NotFound): pods "nope" not found\n');
  const empty = await cli.run(['get', 'deploy', '-n', ns]);
  t.is(empty.out, '');
  t.is(empty.err, `No resources found in ${ns} namespace.\n`);
});

test('get several types at once prints kind-prefixed names; -A adds the namespace column', async (t) => {
  const { cli } = t.context;
  const ns = await withPods(cli);
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web') });
  const r = await cli.run(['get', 'po,deploy', '-n', ns]);
  t.regex(r.out, /^NAME\s+READY\s+STATUS.*\npod\/alpha\s.*\npod\/beta\s.*\n\nNAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\ndeployment\.apps\/web\s+0\/2\s/);
  const byRef = await cli.run(['get', 'pod/alpha', 'deployments.apps/web', '-n', ns, '-o', 'name']);
  t.is(byRef.out, 'pod/alpha\ndeployment.apps/web\n');
  const all = await cli.run(['get', 'pods', '-A', '-l', 'app=a']);
  t.regex(all.out, new RegExp(`^NAMESPACE\\s+NAME\\s+READY[^\\n]*\\n(.*\\n)*${ns}\\s+alpha\\s`));
  const mixed = await cli.run(['get', 'po', 'pod/alpha', '-n', ns]);
  t.regex(mixed.err, /no need to specify a resource type as a separate argument/);
});

test('get -o yaml|json of one object and of a list; -o name; jsonpath; custom-columns', async (t) => {
  const { cli } = t.context;
  const ns = await withPods(cli);
  const one = parse((await cli.run(['get', 'po', 'alpha', '-n', ns, '-o', 'yaml'])).out);
  t.is(one.kind, 'Pod');
  t.is(one.metadata.name, 'alpha');
  const list = JSON.parse((await cli.run(['get', 'po', '-n', ns, '-o', 'json'])).out);
  t.is(list.kind, 'List');
  t.deepEqual(list.items.map((p: Pod) => [p.kind, p.metadata.name]), [['Pod', 'alpha'], ['Pod', 'beta']]);
  const yamlText = (await cli.run(['get', 'po', 'alpha', '-n', ns, '-o', 'yaml'])).out;
  t.true(yamlText.indexOf('  labels:') < yamlText.indexOf('  name: alpha'), 'keys sorted as kubectl prints them');
  t.regex(yamlText, /\n {2}containers:\n {2}- image: busybox:1\n/, 'list items not indented');
  t.is((await cli.run(['get', 'po', '-n', ns, '-o', 'name'])).out, 'pod/alpha\npod/beta\n');
  t.is((await cli.run(['get', 'po', '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}'])).out, 'alpha beta');
  t.is((await cli.run(['get', 'po', '-n', ns, '-o', 'jsonpath={range .items[*]}{.metadata.name}:{.spec.containers[0].image}{"\\n"}{end}'])).out, 'alpha:busybox:1\nbeta:busybox:1\n');
  t.is((await cli.run(['get', 'po', 'alpha', '-n', ns, '-o', 'jsonpath={.metadata.labels.app}'])).out, 'a');
  const columns = await cli.run(['get', 'po', '-n', ns, '-o', 'custom-columns=NAME:.metadata.name,Tier:.metadata.labels.tier,IMAGES:.spec.containers[*].image']);
  t.is(columns.out, 'NAME    Tier     IMAGES\nalpha   web      busybox:1\nbeta    <none>   busybox:1\n');
  const bad = await cli.run(['get', 'po', '-n', ns, '-o', 'xml']);
  t.is(bad.code, 1);
  t.regex(bad.err, /^error: unable to match a printer suitable for the output format "xml"/);
  const badPath = await cli.run(['get', 'po', '-n', ns, '-o', 'jsonpath={.items[9]}']);
  t.is(badPath.err, 'error: array index out of bounds: index 9, length 2\n');
});

test('get -w prints the list, then a row per change, until the request timeout', async (t) => {
  const { cli } = t.context;
  const ns = await withPods(cli);
  // The changes come once the list is printed: made earlier, they would be in the list.
  let listed!: () => void;
  const printed = new Promise<void>((resolve) => (listed = resolve));
  const watching = cli.run(['get', 'pods', '-w', '-n', ns, '--request-timeout=3s'], { onStdout: (out) => /\nbeta\b/.test(out) && listed() });
  await printed;
  await cli.client.create('pods', pod('gamma'), { namespace: ns });
  await cli.client.delete('pods', 'alpha', { namespace: ns, gracePeriodSeconds: 0 });
  const r = await watching;
  t.is(r.code, 0, r.err);
  const names = r.out.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);
  t.is(names[0], 'NAME');
  t.deepEqual(names.slice(1, 3), ['alpha', 'beta']);
  t.true(names.includes('gamma'));
  t.is(names.filter((n) => n === 'NAME').length, 1, 'one header');
  t.true(names.lastIndexOf('alpha') > 2, 'the deleted pod has a row too');
});

test('describe: a pod with its events (involvedObject field selector), a deployment, a prefix match', async (t) => {
  const { cli } = t.context;
  const ns = await withPods(cli);
  const alpha = await cli.client.get<Pod>('pods', 'alpha', { namespace: ns });
  const now = new Date(Date.now() - 5000).toISOString();
  const event = (name: string, involved: string, uid: string | undefined, reason: string): Event => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name },
    involvedObject: { kind: 'Pod', name: involved, namespace: ns, uid, apiVersion: 'v1' },
    reason,
    message: `${reason} happened`,
    type: 'Normal',
    source: { component: 'default-scheduler' },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  });
  await cli.client.create('events', event('e1', 'alpha', alpha.metadata.uid, 'Scheduled'), { namespace: ns });
  await cli.client.create('events', event('e2', 'beta', undefined, 'Other'), { namespace: ns });
  const r = await cli.run(['describe', 'pod', 'alpha', '-n', ns]);
  t.is(r.code, 0, r.err);
  t.regex(r.out, /^Name:\s+alpha\nNamespace:\s+t\S+\nNode:\s+<none>\nLabels:\s+app=a\n/);
  t.regex(r.out, /\nLabels:\s+app=a\n\s+tier=web\n/);
  t.regex(r.out, /\nStatus:\s+Pending\n/);
  t.regex(r.out, /\nContainers:\n {2}c:\n {4}Image:\s+busybox:1\n/);
  t.regex(r.out, /\nEvents:\n {2}Type\s+Reason\s+Age\s+From\s+Message\n {2}----\s+------\s+----\s+----\s+-------\n {2}Normal\s+Scheduled\s+\d+s\s+default-scheduler\s+Scheduled happened\n$/);
  t.notRegex(r.out, /Other happened/);
  await cli.run(['apply', '-f', '-', '-n', ns], { stdin: deploymentYaml('web') });
  const d = await cli.run(['describe', 'deploy/web', '-n', ns]);
  t.regex(d.out, /\nReplicas:\s+2 desired \| 0 updated \| 0 total \| 0 available \| 0 unavailable\n/);
  t.regex(d.out, /\nStrategyType:\s+RollingUpdate\n/);
  t.regex(d.out, /\nEvents:\s+<none>\n$/);
  const prefix = await cli.run(['describe', 'po', 'al', '-n', ns, '--show-events=false']);
  t.regex(prefix.out, /^Name:\s+alpha\n/);
  const none = await cli.run(['describe', 'po', 'zzz', '-n', ns]);
  t.is(none.code, 1);
  t.is(none.err, 'Error from server (NotFound): pods "zzz" not found\n');
  const both = await cli.run(['describe', 'po', '-n', ns, '--show-events=false']);
  t.regex(both.out, /^Name:\s+alpha\n[\s\S]*\n\n\nName:\s+beta\n/);
});

test('api-resources from discovery with kubectl\'s columns; filters; -o name', async (t) => {
  const { cli } = t.context;
  const r = await cli.run(['api-resources']);
  t.regex(r.out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
  t.regex(r.out, /\npods\s+po\s+v1\s+true\s+Pod\n/);
  t.regex(r.out, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);
  const cluster = await cli.run(['api-resources', '--namespaced=false', '-o', 'name']);
  t.true(cluster.out.split('\n').includes('nodes'));
  t.false(cluster.out.split('\n').includes('pods'));
  t.is((await cli.run(['api-resources', '--api-group=apps', '-o', 'name'])).out, 'deployments.apps\nreplicasets.apps\n');
  t.regex((await cli.run(['api-resources', '-o', 'wide'])).out, /^NAME\s.*\sVERBS\s+CATEGORIES\n/);
});

test('version prints client and server; --client needs no server; completion prints a script', async (t) => {
  const { cli } = t.context;
  const r = await cli.run(['version']);
  t.regex(r.out, /^Client Version: v\d+\.\d+\.\d+\nServer Version: v\d+\.\d+/);
  const json = JSON.parse((await cli.run(['version', '-o', 'json'])).out);
  t.truthy(json.clientVersion.gitVersion);
  t.truthy(json.serverVersion.gitVersion);
  t.regex((await cli.run(['version', '--client', '--server', 'http://127.0.0.1:1'])).out, /^Client Version: v/);
  const bash = await cli.run(['completion', 'bash']);
  t.regex(bash.out, /corral --get-yargs-completions/);
  t.regex(bash.out, /complete -o bashdefault -o default -F _corral_yargs_completions corral/);
  t.regex(bash.out, /corral completion bash >> ~\/\.bashrc/);
  const zsh = await cli.run(['completion', 'zsh']);
  t.regex(zsh.out, /^#compdef corral\n/);
  t.is((await cli.run(['completion', 'fish'])).code, 2);
});

test('connection and kubeconfig problems are reported as kubectl reports them', async (t) => {
  const { cli } = t.context;
  const refused = await cli.run(['get', 'po', '--server', 'http://127.0.0.1:1']);
  t.is(refused.code, 1);
  t.is(refused.err, 'The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n');
  const unknown = await cli.run(['get', 'frobs']);
  t.is(unknown.err, 'Error from server (NotFound): the server doesn\'t have a resource type "frobs"\n');
  const noType = await cli.run(['get']);
  t.regex(noType.err, /you must specify the type of resource to get/);
});
