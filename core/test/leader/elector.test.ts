import test from 'ava';
import { ApiClient, LeaderElector, LEASES, type Lease } from '../../src/index.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';
import { BreakableClient, FAST, until } from './helpers.js';

let api: TestApiServer;
let client: ApiClient;

test.before(async () => {
  api = await startTestApiServer({ backend: 'embedded' });
  client = new ApiClient({ server: api.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
});

test.after.always(async () => {
  client?.close();
  await api?.close();
});

function candidate(name: string, identity: string, log: string[], c: ApiClient = client): LeaderElector {
  return new LeaderElector({
    client: c,
    name,
    identity,
    ...FAST,
    onStartedLeading: () => void log.push(`${identity} started`),
    onStoppedLeading: (reason) => void log.push(`${identity} stopped ${reason}`),
  });
}

const lease = (name: string): Promise<Lease> => client.get<Lease>(LEASES, name, { namespace: 'kube-system' });

test('one of two candidates leads; the Lease names it; a clean stop hands over at once', async (t) => {
  const log: string[] = [];
  const a = candidate('elect-1', 'a', log);
  const b = candidate('elect-1', 'b', log);
  a.start();
  await until('a leads', () => a.isLeader());
  b.start();
  await new Promise((r) => setTimeout(r, 400));
  t.false(b.isLeader());
  const first = await lease('elect-1');
  t.is(first.spec?.holderIdentity, 'a');
  t.is(first.spec?.leaseDurationSeconds, 1);
  t.is(first.spec?.leaseTransitions, 0);
  t.truthy(first.spec?.acquireTime);
  t.truthy(first.spec?.renewTime);

  await a.stop();
  t.deepEqual(log.slice(0, 2), ['a started', 'a stopped shutdown']);
  await until('b leads', () => b.isLeader());
  const second = await lease('elect-1');
  t.is(second.spec?.holderIdentity, 'b');
  t.is(second.spec?.leaseTransitions, 1);
  await b.stop();
  t.is((await lease('elect-1')).spec?.holderIdentity, '', 'released');
});

test('a leader that cannot renew stops leading; a standby takes the lease once it expires', async (t) => {
  const log: string[] = [];
  const broken = new BreakableClient(api.url);
  const a = candidate('elect-2', 'a', log, broken);
  const b = candidate('elect-2', 'b', log);
  a.start();
  await until('a leads', () => a.isLeader());
  b.start();
  broken.broken = true;
  await until('a stops', () => log.includes('a stopped leader-lost'));
  t.false(a.isLeader());
  await until('b leads', () => b.isLeader());
  t.is((await lease('elect-2')).spec?.holderIdentity, 'b');
  t.true(log.indexOf('a stopped leader-lost') < log.indexOf('b started'), 'the old leader stopped before the new one started');
  await a.stop();
  await b.stop();
  broken.close();
});

test('renew deadline must be shorter than the lease', (t) => {
  t.throws(() => new LeaderElector({ client, name: 'x', identity: 'x', leaseDurationMs: 1000, renewDeadlineMs: 1000, onStartedLeading: () => undefined, onStoppedLeading: () => undefined }), {
    message: /renew deadline .* must be shorter than the lease duration/,
  });
});
