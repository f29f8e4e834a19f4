import test from 'ava';
import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/index.js';
import { startEtcd, type EtcdProcess } from '../../src/testing/index.js';
import { contractSuite, type TestObj } from './contract.js';

// One etcd for this file; each test gets its own key prefix in it.
let etcd: EtcdProcess | undefined;
test.before(async () => {
  etcd = await startEtcd();
});
test.after.always(async () => {
  await etcd?.stop();
});

contractSuite(test, {
  name: 'etcd',
  async open(tuning) {
    const store = await openStore<TestObj>({
      etcd: {
        endpoints: [etcd!.endpoint],
        prefix: `/t-${randomUUID()}`,
        ...(tuning?.watchBacklog ? { watchBufferSize: tuning.watchBacklog } : {}),
      },
    });
    return { store, cleanup: () => store.close() };
  },
});
