import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runtimeConformance } from '@corral/core/testing';
import { ProcessRuntime } from '../src/index.js';

// The same contract without pod namespaces or cgroups: what a non-root agent gets (host
// network, mounts as symlinks at their container paths).
const rootDir = await mkdtemp(join(tmpdir(), 'corral-runtime-process-host-'));

runtimeConformance(test, {
  name: 'process without namespaces',
  image: 'busybox:1.36',
  mountPath: join(tmpdir(), `corral-shared-${randomBytes(4).toString('hex')}`),
  create: async () => new ProcessRuntime({ nodeName: 'node-1', rootDir }, { namespaces: 'off', limits: 'off' }),
  after: () => rm(rootDir, { recursive: true, force: true }),
});
