import test from 'ava';
import { AsyncSeriesHook, SyncHook } from 'tapable';
import type { ApiObject, ResourceDefinition } from '../../src/api/index.js';
import {
  AdmissionDenied,
  CORRAL_HOOK_DOCS,
  Corral,
  PROFILE_HOOK_DOCS,
  createProfileHooks,
  type AdmissionContext,
  type RuntimeAdapter,
} from '../../src/kernel/index.js';

const ctx = (kind = 'Pod'): AdmissionContext => ({
  operation: 'CREATE',
  resource: { kind } as ResourceDefinition,
  dryRun: false,
});

const pod = (): ApiObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: {} } });

test("the core's hooks are frozen: nobody adds, replaces or removes one", (t) => {
  const corral = new Corral('all');
  t.true(Object.isFrozen(corral.hooks));
  const hooks = corral.hooks as unknown as Record<string, unknown>;
  t.throws(() => {
    hooks.myHook = new SyncHook();
  }, { instanceOf: TypeError });
  t.throws(() => {
    hooks.mutate = new SyncHook();
  }, { instanceOf: TypeError });
  t.throws(() => {
    delete hooks.validate;
  }, { instanceOf: TypeError });
  t.false('myHook' in corral.hooks);
});

test("each scheduler profile's extension point hooks are frozen too", (t) => {
  const hooks = createProfileHooks();
  t.true(Object.isFrozen(hooks));
  t.throws(() => {
    (hooks as unknown as Record<string, unknown>).extra = new SyncHook();
  }, { instanceOf: TypeError });
});

test('every hook has its documentation, and nothing else does', (t) => {
  t.deepEqual(Object.keys(CORRAL_HOOK_DOCS).sort(), Object.keys(new Corral('all').hooks).sort());
  t.deepEqual(Object.keys(PROFILE_HOOK_DOCS).sort(), Object.keys(createProfileHooks()).sort());
});

test('series hooks run taps in tap order; stage and before reorder them', async (t) => {
  const { hooks } = new Corral('server');
  const order: string[] = [];
  const record = (name: string) => async () => {
    order.push(name);
  };
  hooks.controllersStart.tapPromise('A', record('A'));
  hooks.controllersStart.tapPromise('B', record('B'));
  hooks.controllersStart.tapPromise({ name: 'Late', stage: 10 }, record('Late'));
  hooks.controllersStart.tapPromise({ name: 'Early', stage: -10 }, record('Early'));
  hooks.controllersStart.tapPromise({ name: 'BeforeB', before: 'B' }, record('BeforeB'));
  hooks.controllersStart.tapPromise('C', record('C'));
  await hooks.controllersStart.promise({ reason: 'startup', identity: 'test' });
  t.deepEqual(order, ['Early', 'A', 'BeforeB', 'B', 'C', 'Late']);
});

test('a series hook waits for each tap before the next starts', async (t) => {
  const { hooks } = new Corral('server');
  const events: string[] = [];
  hooks.shutdown.tapPromise('Slow', async () => {
    events.push('slow start');
    await new Promise((r) => setTimeout(r, 20));
    events.push('slow end');
  });
  hooks.shutdown.tapPromise('Fast', async () => {
    events.push('fast');
  });
  await hooks.shutdown.promise();
  t.deepEqual(events, ['slow start', 'slow end', 'fast']);
});

test('waterfall: each mutate tap transforms what the previous returned, in order', async (t) => {
  const { hooks } = new Corral('server');
  hooks.mutate.tapPromise('AddTier', async (o) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, tier: 'web' } } }));
  hooks.mutate.tapPromise('CopyTier', async (o) => ({
    ...o,
    metadata: { ...o.metadata, labels: { ...o.metadata.labels, copied: `${o.metadata.labels?.tier}-copy` } },
  }));
  hooks.mutate.tapPromise('OnlyServices', async (o, c) => (c.resource.kind === 'Service' ? { ...o, touched: true } : o));
  const input = pod();
  const out = await hooks.mutate.promise(input, ctx());
  t.deepEqual(out.metadata.labels, { tier: 'web', copied: 'web-copy' });
  t.false('touched' in out);
  t.deepEqual(input.metadata.labels, {}, 'the input object is untouched');
});

test('bail: the first runtime factory to answer wins and later taps are not called', (t) => {
  const { hooks } = new Corral('agent');
  const called: string[] = [];
  const adapter = { name: 'docker' } as RuntimeAdapter;
  hooks.runtimeAdapter.for('docker').tap('NotMine', () => {
    called.push('NotMine');
    return undefined;
  });
  hooks.runtimeAdapter.for('docker').tap('Docker', () => {
    called.push('Docker');
    return adapter;
  });
  hooks.runtimeAdapter.for('docker').tap('Shadowed', () => {
    called.push('Shadowed');
    return { name: 'other' } as RuntimeAdapter;
  });
  t.is(hooks.runtimeAdapter.for('docker').call({ nodeName: 'n1', rootDir: '/tmp' }), adapter);
  t.deepEqual(called, ['NotMine', 'Docker']);
  t.is(hooks.runtimeAdapter.get('process'), undefined, 'each name has its own hook');
});

test('parallel: validate runs every tap, and one denial rejects the write', async (t) => {
  const { hooks } = new Corral('server');
  const seen: string[] = [];
  hooks.validate.tapPromise('Quota', async () => {
    await new Promise((r) => setTimeout(r, 5));
    seen.push('Quota');
  });
  hooks.validate.tapPromise('Policy', async (o) => {
    seen.push('Policy');
    if (o.metadata.name === 'forbidden') throw new AdmissionDenied('Policy', 'name "forbidden" is reserved', 'metadata.name');
  });
  await hooks.validate.promise(pod(), ctx());
  t.deepEqual(seen.sort(), ['Policy', 'Quota']);
  const denied = await t.throwsAsync(hooks.validate.promise({ ...pod(), metadata: { name: 'forbidden' } }, ctx()), {
    instanceOf: AdmissionDenied,
  });
  t.is(denied?.plugin, 'Policy');
  t.is(denied?.field, 'metadata.name');
});

test('a plugin offers hooks of its own through a WeakMap-backed getHooks, one set per Corral', async (t) => {
  const byCorral = new WeakMap<Corral, { audited: AsyncSeriesHook<[string]> }>();
  class AuditPlugin {
    static getHooks(corral: Corral) {
      let hooks = byCorral.get(corral);
      if (!hooks) byCorral.set(corral, (hooks = Object.freeze({ audited: new AsyncSeriesHook<[string]>(['line']) })));
      return hooks;
    }
    apply(corral: Corral) {
      corral.hooks.validate.tapPromise('AuditPlugin', async (o) => AuditPlugin.getHooks(corral).audited.promise(`validated ${o.metadata.name}`));
    }
  }
  const lines: string[] = [];
  const a = new Corral('server');
  const b = new Corral('server');
  new AuditPlugin().apply(a);
  AuditPlugin.getHooks(a).audited.tapPromise('Listener', async (line) => {
    lines.push(line);
  });
  await a.hooks.validate.promise(pod(), ctx());
  t.deepEqual(lines, ['validated web']);
  t.not(AuditPlugin.getHooks(a), AuditPlugin.getHooks(b));
  t.false('audited' in a.hooks, "the core's hooks are unchanged");
});
