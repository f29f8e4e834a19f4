import test from 'ava';
import { randomUUID } from 'node:crypto';
import { Etcd3, type IMember, type IMemberListResponse } from 'etcd3';
import { isSoleMember, LocalReads, normalizeEndpoint } from '../../src/store/etcd/LocalReads.js';
import { openStore } from '../../src/store/index.js';
import { startEtcd } from '../../src/testing/index.js';

const member = (clientURLs: string[], isLearner = false): IMember => ({ ID: randomUUID(), name: 'm', peerURLs: [], clientURLs, isLearner });
const listing = (...members: IMember[]): IMemberListResponse => ({ header: { cluster_id: '1', member_id: '1', revision: '1', raft_term: '1' }, members });

test('normalizeEndpoint: scheme, case and a trailing slash do not matter; a bare host:port is http', (t) => {
  t.is(normalizeEndpoint('http://LocalHost:2379/'), 'http://localhost:2379');
  t.is(normalizeEndpoint('127.0.0.1:2379'), 'http://127.0.0.1:2379');
  t.is(normalizeEndpoint('https://etcd.example:2379'), 'https://etcd.example:2379');
  t.not(normalizeEndpoint('https://etcd.example:2379'), normalizeEndpoint('http://etcd.example:2379'));
});

test('isSoleMember: only one voting member that serves the endpoint itself', (t) => {
  t.true(isSoleMember([member(['http://127.0.0.1:2379'])], 'http://127.0.0.1:2379/'));
  t.false(isSoleMember([member(['http://127.0.0.1:2379']), member(['http://127.0.0.2:2379'])], 'http://127.0.0.1:2379'));
  t.false(isSoleMember([member(['http://127.0.0.1:2379'], true)], 'http://127.0.0.1:2379'), 'a learner');
  t.false(isSoleMember([member(['http://10.0.0.5:2379'])], 'http://etcd-proxy:2379'), 'a proxy or load balancer in between');
  t.false(isSoleMember([], 'http://127.0.0.1:2379'));
});

test('LocalReads: serializable for a sole member, linearizable once a member joins (seen at the next check)', async (t) => {
  let now = 1_000_000;
  let members = listing(member(['http://127.0.0.1:2379']));
  let calls = 0;
  const reads = new LocalReads(['http://127.0.0.1:2379'], async () => (calls++, members), () => now);
  t.false(reads.serializable, 'nothing known before the first check');
  await reads.check();
  t.true(reads.serializable);
  members = listing(member(['http://127.0.0.1:2379']), member(['http://127.0.0.2:2379']));
  now += 5_000;
  t.true(reads.serializable, 'not checked again yet');
  const before = calls;
  now += 5_000;
  void reads.serializable; // due: starts a check in the background
  t.is(calls, before + 1);
  await reads.check();
  t.false(reads.serializable);
});

test('LocalReads: a failed member list, or several endpoints, mean linearizable reads', async (t) => {
  const failing = new LocalReads(['http://127.0.0.1:2379'], async () => {
    throw new Error('permission denied');
  });
  await failing.check();
  t.false(failing.serializable);

  let asked = false;
  const several = new LocalReads(['http://127.0.0.1:2379', 'http://127.0.0.2:2379'], async () => ((asked = true), listing(member(['http://127.0.0.1:2379']))));
  await several.check();
  t.false(several.serializable);
  t.false(asked, 'no member list is needed to know that');
});

test('a test etcd is a sole member of its own endpoint, and a get sees a write made through another store at once', async (t) => {
  const etcd = await startEtcd();
  const client = new Etcd3({ hosts: etcd.endpoint });
  const prefix = `/t-${randomUUID()}`;
  const writer = await openStore({ etcd: { endpoints: [etcd.endpoint], prefix } });
  const reader = await openStore({ etcd: { endpoints: [etcd.endpoint], prefix } });
  try {
    t.true(isSoleMember((await client.cluster.memberList({})).members, etcd.endpoint));
    await writer.create('/registry/pods/a/p', { metadata: { name: 'p' }, n: 0 });
    for (let n = 1; n <= 100; n++) {
      const cur = await writer.get('/registry/pods/a/p');
      const written = await writer.update('/registry/pods/a/p', { ...cur, n });
      const read = await reader.get('/registry/pods/a/p');
      t.is(read.n, n);
      t.is(read.metadata?.resourceVersion, written.metadata?.resourceVersion);
    }
  } finally {
    client.close();
    await writer.close();
    await reader.close();
    await etcd.stop();
  }
});
