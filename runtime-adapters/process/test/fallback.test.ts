import test from 'ava';
import { limitFiles, planHost, type HostFacts, type Tools } from '../src/index.js';

const allTools: Tools = {
  sh: '/bin/sh',
  perl: '/usr/bin/perl',
  unshare: '/usr/bin/unshare',
  nsenter: '/usr/bin/nsenter',
  ip: '/usr/sbin/ip',
  sleep: '/usr/bin/sleep',
  mount: '/usr/bin/mount',
  script: '/usr/bin/script',
};

const root: HostFacts = {
  uid: 0,
  tools: allTools,
  cgroups: { kind: 'v1', bases: { memory: '/sys/fs/cgroup/memory/corral-process' } },
  namespaces: 'auto',
  limits: 'auto',
};

test('as root with tools and cgroups: namespaces and limits, no warning', (t) => {
  t.deepEqual(planHost(root), { namespaces: true, cgroups: true, warnings: [] });
});

test('without root: host namespaces and no limits, with warnings that say so', (t) => {
  const plan = planHost({ ...root, uid: 1000 });
  t.false(plan.namespaces);
  t.false(plan.cgroups);
  t.is(plan.warnings.length, 2);
  t.regex(plan.warnings[0]!, /not running as root: pods share the host network/);
  t.regex(plan.warnings[1]!, /limits are not enforced/);
});

test('as root without unshare: host namespaces, and the warning names the package', (t) => {
  const { unshare: _, ...tools } = allTools;
  const plan = planHost({ ...root, tools });
  t.false(plan.namespaces);
  t.true(plan.cgroups);
  t.regex(plan.warnings[0]!, /unshare \(Debian package util-linux\)/);
});

test('as root without a usable cgroup hierarchy: no limits, the reason in the warning', (t) => {
  const plan = planHost({ ...root, cgroups: { kind: 'none', reason: 'the v1 memory cgroup at /x is not writable' } });
  t.true(plan.namespaces);
  t.false(plan.cgroups);
  t.deepEqual(plan.warnings, ['container resource limits are not enforced: the v1 memory cgroup at /x is not writable']);
});

test('turned off by options: nothing used and nothing to warn about', (t) => {
  t.deepEqual(planHost({ ...root, namespaces: 'off', limits: 'off' }), { namespaces: false, cgroups: false, warnings: [] });
});

test('limits become cgroup v1 and v2 files', (t) => {
  const resources = { cpuLimitMillis: 500, cpuRequestMillis: 250, memoryLimitBytes: 64 * 1024 * 1024, pidsLimit: 32 };
  t.deepEqual(limitFiles('v1', resources), {
    memory: [['memory.limit_in_bytes', '67108864']],
    cpu: [['cpu.shares', '256'], ['cpu.cfs_period_us', '100000'], ['cpu.cfs_quota_us', '50000']],
    pids: [['pids.max', '32']],
  });
  t.deepEqual(limitFiles('v2', resources), {
    memory: [['memory.max', '67108864']],
    cpu: [['cpu.weight', '10'], ['cpu.max', '50000 100000']],
    pids: [['pids.max', '32']],
  });
  t.deepEqual(limitFiles('v2', undefined), {});
});
