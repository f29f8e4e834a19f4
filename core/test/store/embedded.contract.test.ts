import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { contractSuite, type TestObj } from './contract.js';

contractSuite(test, {
  name: 'embedded',
  async open(tuning) {
    const dir = await mkdtemp(join(tmpdir(), 'corral-store-'));
    const store = await openStore<TestObj>({
      embedded: { dir, ...(tuning?.watchBacklog ? { maxWatchBacklog: tuning.watchBacklog } : {}) },
    });
    return {
      store,
      async cleanup() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
