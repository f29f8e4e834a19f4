import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runtimeConformance } from '@corral/core/testing';
import { ProcessRuntime } from '../src/index.js';
import { removeCgroupTree } from './helpers.js';

const rootDir = await mkdtemp(join(tmpdir(), 'corral-runtime-process-'));

runtimeConformance(test, {
  name: 'process',
  image: 'busybox:1.36',
  create: async () => new ProcessRuntime({ nodeName: 'node-1', rootDir }),
  after: async () => {
    await removeCgroupTree(new ProcessRuntime({ nodeName: 'node-1', rootDir }));
    await rm(rootDir, { recursive: true, force: true });
  },
});
