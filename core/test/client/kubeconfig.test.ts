import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { KubeconfigError, loadKubeconfig, writeKubeconfig } from '../../src/client/index.js';

function scratch(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'corral-kubeconfig-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function config(name: string, server: string, extra: Record<string, unknown> = {}): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${name}`,
    'clusters:',
    `- name: ${name}`,
    `  cluster: { server: "${server}" }`,
    'users:',
    `- name: ${name}`,
    `  user: ${JSON.stringify(extra.user ?? {})}`,
    'contexts:',
    `- name: ${name}`,
    `  context: { cluster: ${name}, user: ${name}${extra.namespace ? `, namespace: ${extra.namespace}` : ''} }`,
    '',
  ].join('\n');
}

test('writeKubeconfig writes a standard file, mode 0600, folders created; loadKubeconfig reads it back', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'a', 'b', 'kubeconfig');
  writeKubeconfig(path, { server: 'https://127.0.0.1:6443', certificateAuthorityData: CA_PEM, namespace: 'team' });
  t.is(statSync(path).mode & 0o777, 0o600);
  const doc = parse(readFileSync(path, 'utf8'));
  t.is(doc.kind, 'Config');
  t.is(doc['current-context'], 'corral');
  t.is(doc.clusters[0].cluster['certificate-authority-data'], Buffer.from(CA_PEM).toString('base64'));
  const loaded = loadKubeconfig({ path, env: {} });
  t.is(loaded.server, 'https://127.0.0.1:6443');
  t.is(loaded.namespace, 'team');
  t.is(loaded.contextName, 'corral');
  t.is(loaded.ca?.toString('utf8'), CA_PEM);
  t.false(loaded.insecureSkipTlsVerify);
});

test('writeKubeconfig keeps the other entries of an existing file and replaces its own', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'config');
  writeFileSync(path, config('other', 'https://other:6443'));
  writeKubeconfig(path, { server: 'http://127.0.0.1:1', contextName: 'corral' });
  writeKubeconfig(path, { server: 'http://127.0.0.1:2', contextName: 'corral' });
  const doc = parse(readFileSync(path, 'utf8'));
  t.deepEqual(doc.clusters.map((c: { name: string }) => c.name), ['other', 'corral']);
  t.is(loadKubeconfig({ path, env: {} }).server, 'http://127.0.0.1:2');
  t.is(loadKubeconfig({ path, env: {}, context: 'other' }).server, 'https://other:6443');
});

test('kubectl reads the file corral writes', (t) => {
  const dir = scratch(t);
  const path = join(dir, 'config');
  writeKubeconfig(path, { server: 'https://10.0.0.1:6443', certificateAuthorityData: CA_PEM, namespace: 'ns1', token: 'abc' });
  let view: string;
  try {
    view = execFileSync(process.env.KUBECTL ?? 'kubectl', ['config', 'view', '--kubeconfig', path, '--raw', '-o', 'json'], { encoding: 'utf8' });
  } catch (err) {
    t.fail(`kubectl config view failed (is kubectl v1.32 on PATH, or KUBECTL set?): ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const doc = JSON.parse(view);
  t.is(doc['current-context'], 'corral');
  t.is(doc.clusters[0].cluster.server, 'https://10.0.0.1:6443');
  t.is(doc.users[0].user.token, 'abc');
  t.is(doc.contexts[0].context.namespace, 'ns1');
});

test('$KUBECONFIG: a colon list, missing files skipped, the first file to set a value wins', (t) => {
  const dir = scratch(t);
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFileSync(a, config('one', 'https://one:6443', { namespace: 'from-a' }).replace('current-context: one\n', ''));
  writeFileSync(b, config('two', 'https://two:6443') + '');
  // b also defines a cluster "one", which a's wins over.
  writeFileSync(b, readFileSync(b, 'utf8').replace('clusters:\n', 'clusters:\n- name: one\n  cluster: { server: "https://shadowed" }\n'));
  const env = { KUBECONFIG: [join(dir, 'missing'), a, b].join(':'), HOME: dir };
  const current = loadKubeconfig({ env });
  t.is(current.contextName, 'two', 'current-context comes from b, the first file to set it');
  t.is(current.server, 'https://two:6443');
  t.deepEqual(current.files, [a, b]);
  const one = loadKubeconfig({ env, context: 'one' });
  t.is(one.server, 'https://one:6443');
  t.is(one.namespace, 'from-a');
  t.is(loadKubeconfig({ env, context: 'one', namespace: 'flag' }).namespace, 'flag');
});

test('the default files: ~/.corral/kubeconfig before ~/.kube/config', (t) => {
  const home = scratch(t);
  writeKubeconfig(join(home, '.kube', 'config'), { server: 'https://kube:6443' });
  t.is(loadKubeconfig({ env: { HOME: home } }).server, 'https://kube:6443');
  writeKubeconfig(join(home, '.corral', 'kubeconfig'), { server: 'https://corral:6443' });
  t.is(loadKubeconfig({ env: { HOME: home } }).server, 'https://corral:6443');
  t.is(loadKubeconfig({ env: { HOME: home, KUBECONFIG: join(home, '.kube', 'config') } }).server, 'https://kube:6443');
});

test('relative certificate paths resolve against the file; tokens, client certs and insecure flag are read', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'ca.pem'), CA_PEM);
  writeFileSync(join(dir, 'client.pem'), 'CERT');
  writeFileSync(join(dir, 'client.key'), 'KEY');
  writeFileSync(join(dir, 'token'), 'tok-from-file\n');
  const path = join(dir, 'config');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'clusters:',
      '- name: k',
      '  cluster: { server: "https://k:6443/", certificate-authority: ca.pem, insecure-skip-tls-verify: true }',
      'users:',
      '- name: u',
      '  user: { client-certificate: client.pem, client-key: client.key, tokenFile: token }',
      'contexts:',
      '- name: c',
      '  context: { cluster: k, user: u }',
    ].join('\n'),
  );
  const c = loadKubeconfig({ path, env: {} });
  t.is(c.server, 'https://k:6443', 'a trailing slash is dropped');
  t.is(c.namespace, 'default');
  t.is(c.ca?.toString(), CA_PEM);
  t.is(c.clientCert?.toString(), 'CERT');
  t.is(c.clientKey?.toString(), 'KEY');
  t.is(c.token, 'tok-from-file');
  t.true(c.insecureSkipTlsVerify);
});

test('problems are named: missing file, unknown context, nothing configured; --server alone is enough', (t) => {
  const dir = scratch(t);
  t.throws(() => loadKubeconfig({ path: join(dir, 'nope'), env: {} }), { instanceOf: KubeconfigError, message: /nope does not exist/ });
  const path = join(dir, 'config');
  writeKubeconfig(path, { server: 'https://x:1' });
  t.throws(() => loadKubeconfig({ path, env: {}, context: 'ghost' }), { message: /context "ghost" does not exist/ });
  t.throws(() => loadKubeconfig({ env: { HOME: dir } }), { message: /no kubeconfig found.*corral up/ });
  const bare = loadKubeconfig({ env: { HOME: dir }, server: 'http://127.0.0.1:8080' });
  t.is(bare.server, 'http://127.0.0.1:8080');
  t.is(bare.namespace, 'default');
});
