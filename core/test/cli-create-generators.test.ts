// `corral create serviceaccount|namespace|configmap NAME` through runCli against a real server:
// what is stored, what is printed for each -o and --dry-run, and the errors for bad input.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConfigMap, Namespace, ServiceAccount } from '../src/api/types.js';
import { LAST_APPLIED } from '../src/cli/kube/apply.js';
import { cliTest } from './cli/helpers.js';

const test = cliTest();

test('create serviceaccount (and sa): stored in -n, printed as kubectl does', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const r = await cli.run(['create', 'serviceaccount', 'build-bot', '-n', ns]);
  t.is(r.code, 0, r.err);
  t.is(r.out, 'serviceaccount/build-bot created\n');
  const stored = await cli.client.get<ServiceAccount>('serviceaccounts', 'build-bot', { namespace: ns });
  t.is(stored.metadata.namespace, ns);
  t.truthy(stored.metadata.uid);
  const short = await cli.run(['create', 'sa', 'deployer', '-n', ns, '-o', 'name']);
  t.is(short.out, 'serviceaccount/deployer\n', short.err);
  t.deepEqual((await cli.client.list('sa', { namespace: ns })).items.map((o) => o.metadata.name).sort(), ['build-bot', 'deployer']);
  const got = await cli.run(['get', 'sa', '-n', ns]);
  t.regex(got.out, /^NAME\s+SECRETS\s+AGE\nbuild-bot\s+0\s+\S+\ndeployer\s+0\s+\S+\n$/);
});

test('without -n the object goes to the context namespace', async (t) => {
  const { cli } = t.context;
  const r = await cli.run(['create', 'sa', 'in-default']);
  t.is(r.code, 0, r.err);
  t.is((await cli.client.get<ServiceAccount>('sa', 'in-default', { namespace: 'default' })).metadata.name, 'in-default');
});

test('an existing object is an error from the server, exit 1', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  t.is((await cli.run(['create', 'sa', 'twice', '-n', ns])).code, 0);
  const again = await cli.run(['create', 'sa', 'twice', '-n', ns]);
  t.is(again.code, 1);
  t.is(again.out, '');
  t.is(again.err, 'Error from server (AlreadyExists): serviceaccounts "twice" already exists\n');
  const badName = await cli.run(['create', 'sa', 'Not_A_Name', '-n', ns]);
  t.is(badName.code, 1);
  t.regex(badName.err, /^The ServiceAccount "Not_A_Name" is invalid: metadata.name: Invalid value: "Not_A_Name": must be a DNS-1123 subdomain/);
});

test('--dry-run=client sends nothing and prints the object; --dry-run=server stores nothing', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const client = await cli.run(['create', 'sa', 'dry', '-n', ns, '--dry-run=client', '-o', 'yaml']);
  t.is(client.code, 0, client.err);
  t.deepEqual(parse(client.out), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'dry', namespace: ns } });
  t.is((await cli.run(['create', 'sa', 'dry', '-n', ns, '--dry-run=client'])).out, 'serviceaccount/dry created (dry run)\n');
  const server = await cli.run(['create', 'sa', 'dry', '-n', ns, '--dry-run=server', '-o', 'json']);
  t.is(server.code, 0, server.err);
  const answered = JSON.parse(server.out) as ServiceAccount;
  t.is(answered.metadata.name, 'dry');
  t.truthy(answered.metadata.creationTimestamp, 'the server filled in the object');
  t.is((await cli.run(['create', 'sa', 'dry', '-n', ns, '--dry-run=server'])).out, 'serviceaccount/dry created (server dry run)\n');
  t.is((await cli.client.list('sa', { namespace: ns })).items.length, 0);
});

test('--save-config records the object for a later apply', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  t.is((await cli.run(['create', 'sa', 'saved', '-n', ns, '--save-config'])).code, 0);
  const stored = await cli.client.get<ServiceAccount>('sa', 'saved', { namespace: ns });
  t.like(JSON.parse(stored.metadata.annotations![LAST_APPLIED]!), { kind: 'ServiceAccount', metadata: { name: 'saved' } });
});

test('create namespace (and ns): cluster-scoped, -n does not apply', async (t) => {
  const { cli } = t.context;
  const name = `gen-ns-${process.pid}`;
  const r = await cli.run(['create', 'namespace', name, '-n', 'default']);
  t.is(r.code, 0, r.err);
  t.is(r.out, `namespace/${name} created\n`);
  const ns = await cli.client.get<Namespace>('namespaces', name);
  t.is(ns.status?.phase, 'Active');
  const json = await cli.run(['create', 'ns', `${name}-x`, '-o', 'json', '--dry-run=client']);
  t.deepEqual(JSON.parse(json.out), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${name}-x` } });
  const again = await cli.run(['create', 'ns', name]);
  t.is(again.err, `Error from server (AlreadyExists): namespaces "${name}" already exists\n`);
  t.is(again.code, 1);
});

test('create configmap from literals, files, a folder and an env file; binary files go to binaryData', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const conf = cli.file(`app-${ns}.conf`, 'port = 80\n');
  const blob = join(cli.dir, `blob-${ns}.bin`);
  writeFileSync(blob, Buffer.from([0, 1, 2, 255]));
  const r = await cli.run([
    'create', 'configmap', 'cfg', '-n', ns,
    '--from-literal=color=blue', '--from-literal=empty=', '--from-literal=eq=a=b',
    `--from-file=${conf}`, `--from-file=renamed.conf=${conf}`, `--from-file=blob=${blob}`,
  ]);
  t.is(r.code, 0, r.err);
  t.is(r.out, 'configmap/cfg created\n');
  const cfg = await cli.client.get<ConfigMap>('cm', 'cfg', { namespace: ns });
  t.deepEqual(cfg.data, { color: 'blue', empty: '', eq: 'a=b', [`app-${ns}.conf`]: 'port = 80\n', 'renamed.conf': 'port = 80\n' });
  t.deepEqual(cfg.binaryData, { blob: Buffer.from([0, 1, 2, 255]).toString('base64') });

  const dir = join(cli.dir, `folder-${ns}`);
  mkdirSync(join(dir, 'nested'), { recursive: true });
  writeFileSync(join(dir, 'b.txt'), 'bee');
  writeFileSync(join(dir, 'a.txt'), 'ay');
  writeFileSync(join(dir, 'nested', 'skipped.txt'), 'no');
  t.is((await cli.run(['create', 'cm', 'folder', '-n', ns, `--from-file=${dir}`])).code, 0);
  t.deepEqual((await cli.client.get<ConfigMap>('cm', 'folder', { namespace: ns })).data, { 'a.txt': 'ay', 'b.txt': 'bee' });

  const envFile = cli.file(`vars-${ns}.env`, '# settings\nMODE=fast\n\n  LEVEL=3\nFROM_ENV\nUNSET_HERE\n');
  const env = await cli.run(['create', 'cm', 'env', '-n', ns, `--from-env-file=${envFile}`], { env: { FROM_ENV: 'inherited' } });
  t.is(env.code, 0, env.err);
  t.deepEqual((await cli.client.get<ConfigMap>('cm', 'env', { namespace: ns })).data, { MODE: 'fast', LEVEL: '3', FROM_ENV: 'inherited' });

  const yaml = await cli.run(['create', 'cm', 'preview', '-n', ns, '--from-literal=k=v', '--dry-run=client', '-o', 'yaml']);
  t.deepEqual(parse(yaml.out), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'preview', namespace: ns }, data: { k: 'v' } });
  const empty = await cli.run(['create', 'cm', 'nothing', '-n', ns]);
  t.is(empty.code, 0, 'a ConfigMap without data is allowed, as in kubectl');
});

test('bad sources say which flag and value, exit 1, and create nothing', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const missing = join(cli.dir, 'missing.conf');
  const folder = join(cli.dir, `dir-${ns}`);
  mkdirSync(folder);
  const badEnv = cli.file(`bad-${ns}.env`, 'OK=1\n=nokey\n');
  const cases: [string[], string][] = [
    [['--from-literal=novalue'], 'error: --from-literal=novalue: expected KEY=VALUE (e.g. --from-literal=color=blue)\n'],
    [['--from-literal==x'], 'error: --from-literal==x: expected KEY=VALUE (e.g. --from-literal=color=blue)\n'],
    [['--from-literal=bad key=1'], 'error: --from-literal=bad key=1: "bad key" is not a valid ConfigMap key: must consist of letters, digits, \'-\', \'_\' or \'.\'\n'],
    [['--from-literal=a=1', '--from-literal=a=2'], 'error: --from-literal=a=2: the key "a" is given twice for the ConfigMap "bad"; each key may appear once\n'],
    [[`--from-file=${missing}`], `error: --from-file=${missing}: the path "${missing}" does not exist\n`],
    [[`--from-file=k=${folder}`], `error: --from-file=k=${folder}: a key can only be given for a file, and "${folder}" is a folder\n`],
    [[`--from-file==${missing}`], `error: --from-file==${missing}: expected [KEY=]PATH (e.g. --from-file=app.conf or --from-file=config=app.conf)\n`],
    [[`--from-env-file=${badEnv}`], `error: ${badEnv}:2: expected KEY=VALUE, the line has no key\n`],
    [[`--from-env-file=${badEnv}`, '--from-literal=a=1'], 'error: --from-env-file cannot be combined with --from-file or --from-literal\n'],
  ];
  for (const [flags, err] of cases) {
    const r = await cli.run(['create', 'configmap', 'bad', '-n', ns, ...flags]);
    t.is(r.code, 1, flags.join(' '));
    t.is(r.err, err, flags.join(' '));
    t.is(r.out, '');
  }
  t.is((await cli.client.list('cm', { namespace: ns })).items.length, 0);
});

test('usage: no name, unknown kinds, and create without -f or a kind', async (t) => {
  const { cli } = t.context;
  const noName = await cli.run(['create', 'serviceaccount']);
  t.is(noName.code, 1);
  t.is(noName.err, 'error: NAME is required: corral create serviceaccount NAME\n');
  const unknown = await cli.run(['create', 'widget', 'w']);
  t.is(unknown.code, 2);
  t.regex(unknown.err, /name a kind: configmap, namespace, serviceaccount/, 'the kinds there are');
  const bare = await cli.run(['create']);
  t.is(bare.code, 2);
  t.regex(bare.err, /^corral: Missing required argument: filename\ngive the objects to create with -f FILE .*or name a kind: configmap, namespace, serviceaccount\n/);
  const fileAndKind = await cli.run(['create', 'sa', 'x', '-f', 'sa.yaml']);
  t.is(fileAndKind.code, 2, 'a generator takes no -f');
  t.regex(fileAndKind.err, /Unknown argument: f/);
  const badOutput = await cli.run(['create', 'sa', 'x', '-o', 'wide']);
  t.is(badOutput.code, 1);
  t.regex(badOutput.err, /unable to match a printer suitable for the output format "wide", allowed formats are: json,yaml,name/);
});

test('create -f works as before beside the generators', async (t) => {
  const { cli } = t.context;
  const ns = await cli.namespace();
  const file = cli.file(`sa-${ns}.yaml`, 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: from-file}\nautomountServiceAccountToken: false\n');
  const r = await cli.run(['create', '-f', file, '-n', ns]);
  t.is(r.code, 0, r.err);
  t.is(r.out, 'serviceaccount/from-file created\n');
  t.is((await cli.client.get<ServiceAccount>('sa', 'from-file', { namespace: ns })).automountServiceAccountToken, false);
});
