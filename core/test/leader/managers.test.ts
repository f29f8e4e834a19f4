import test from 'ava';
import { fileURLToPath } from 'node:url';
import { ApiClient, startControllerManager, type ApiObject, type ControllerManager } from '../../src/index.js';
import { startTestControlPlane, type TestControlPlane } from '../../src/testing/index.js';
import { probe } from '../controllers/fixtures/copier-plugin.js';
import { BreakableClient, FAST, until } from './helpers.js';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const PLUGIN = fileURLToPath(new URL('../controllers/fixtures/copier-plugin.js', import.meta.url));

let cp: TestControlPlane;
test.before(async () => {
  cp = await startTestControlPlane({ plugins: [PLUGIN], controllers: false, scheduler: false });
});
test.after.always(async () => {
  await cp?.stop();
});

const configMap = (name: string): ApiObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { test: 'owner' } }, data: {} }) as ApiObject;
const callsOf = (name: string): unknown[] => (probe.calls.get('owner') ?? []).flatMap((k, i) => (k === `default/${name}` ? [probe.clients.get('owner')![i]] : []));

test.serial('two managers: only the leader reconciles; stopping it hands over to the other', async (t) => {
  const clientA = new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const clientB = new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  const a = await startControllerManager({ corral: cp.corral, client: clientA, identity: 'manager-a', leaderElection: { leaseName: 'cm-1', ...FAST } });
  await until('a leads', () => a.leading);
  const b = await startControllerManager({ corral: cp.corral, client: clientB, identity: 'manager-b', leaderElection: { leaseName: 'cm-1', ...FAST } });
  await cp.client.create('configmaps', configMap('le-1'));
  await until('le-1 reconciled', () => callsOf('le-1').length > 0);
  await new Promise((r) => setTimeout(r, 300));
  t.false(b.leading);
  t.true(callsOf('le-1').every((c) => c === clientA), 'only the leader reconciled');

  await a.stop();
  t.deepEqual(
    probe.lifecycle.filter((l) => l.event.identity === 'manager-a').map((l) => `${l.hook} ${l.event.reason}`),
    ['start leader-elected', 'stop shutdown'],
  );
  await until('b leads', () => b.leading);
  await cp.client.create('configmaps', configMap('le-2'));
  await until('le-2 reconciled by b', () => callsOf('le-2').includes(clientB));
  t.true(callsOf('le-2').every((c) => c === clientB));
  await b.stop();
  clientA.close();
  clientB.close();
});

test.serial('a leader that cannot renew stops its controllers (leader-lost) and the standby takes over', async (t) => {
  const broken = new BreakableClient(cp.url);
  const clientB = new ApiClient({ server: cp.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  let a: ControllerManager | undefined;
  let b: ControllerManager | undefined;
  try {
    a = await startControllerManager({ corral: cp.corral, client: broken, identity: 'manager-c', logger: quiet, leaderElection: { leaseName: 'cm-2', ...FAST } });
    await until('c leads', () => a!.leading);
    b = await startControllerManager({ corral: cp.corral, client: clientB, identity: 'manager-d', leaderElection: { leaseName: 'cm-2', ...FAST } });
    broken.broken = true;
    await until('c lost', () => probe.lifecycle.some((l) => l.event.identity === 'manager-c' && l.event.reason === 'leader-lost'));
    t.false(a.leading);
    await until('d leads', () => b!.leading);
    await cp.client.create('configmaps', configMap('le-3'));
    await until('le-3 reconciled by d', () => callsOf('le-3').includes(clientB));
    t.false(callsOf('le-3').includes(broken), 'the deposed leader no longer reconciles');
  } finally {
    await a?.stop();
    await b?.stop();
    broken.close();
    clientB.close();
  }
});
