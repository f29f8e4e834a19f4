import test, { type ExecutionContext } from 'ava';
import Joi from 'joi';
import type { Node, Pod } from '../../src/api/index.js';
import { Problems } from '../../src/kernel/Problems.js';
import {
  ConfigError,
  CycleState,
  SchedulerPluginRegistry,
  buildSchedulerProfiles,
  loadConfig,
  unschedulable,
  type NodeInfo,
  type SchedulerPluginFactory,
} from '../../src/kernel/index.js';
import { nodeInfo } from '../../src/scheduler/index.js';
import { Scratch, problemsOf } from './helpers.js';

const pod = (name = 'web', annotations: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, annotations },
  spec: { containers: [{ name: 'c' }] },
});
const node = (name: string, labels: Record<string, string> = {}): NodeInfo => nodeInfo({ metadata: { name, labels } } as Node);

/** Scheduler plugins for the tests; `log` records calls in order. */
function registry(log: string[]): SchedulerPluginRegistry {
  const r = new SchedulerPluginRegistry();
  const factories: SchedulerPluginFactory[] = [
    { name: 'Sorter', create: () => ({ less: (a, b) => a.timestamp < b.timestamp }) },
    { name: 'OtherSorter', create: () => ({ less: () => true }) },
    {
      name: 'NodeName',
      create: () => ({
        filter: (_p, n) => {
          log.push(`NodeName:${n.name}`);
          return n.name === 'bad' ? unschedulable('NodeName', 'node is bad') : undefined;
        },
      }),
    },
    {
      name: 'Taints',
      create: () => ({
        preFilter: (p) => (p.metadata.annotations?.skip ? { code: 'Skip' } : undefined),
        filter: (_p, n) => {
          log.push(`Taints:${n.name}`);
          return undefined;
        },
      }),
    },
    { name: 'Zone', create: () => ({ filter: () => undefined }) },
    {
      name: 'Spread',
      create: () => ({
        score: (_p, n) => (n.name === 'a' ? 2 : 4),
        normalizeScore: (scores) => {
          const max = Math.max(...scores.map((s) => s.score));
          for (const s of scores) s.score = (s.score * 100) / max;
        },
      }),
    },
    {
      name: 'Resources',
      args: Joi.object({ strategy: Joi.string().valid('least', 'most').default('least'), factor: Joi.number().default(1) }),
      create: (args: { strategy: string; factor: number }) => {
        log.push(`Resources created: strategy ${args.strategy}, factor ${args.factor}`);
        return { score: (_p, n) => (n.name === 'a' ? 10 : 20) * args.factor };
      },
    },
    { name: 'Wild', create: () => ({ score: () => 1000 }) },
    ...['R1', 'R2', 'R3'].map(
      (name): SchedulerPluginFactory => ({
        name,
        create: () => ({
          reserve: async () => {
            log.push(`reserve ${name}`);
            return name === 'R3' ? unschedulable(name, 'no room') : undefined;
          },
          unreserve: () => {
            log.push(`unreserve ${name}`);
          },
        }),
      }),
    ),
    { name: 'WaitShort', create: () => ({ permit: () => ({ code: 'Wait', timeoutMs: 100 }) }) },
    { name: 'WaitLong', create: () => ({ permit: () => ({ code: 'Wait', timeoutMs: 500 }) }) },
    { name: 'Deny', create: () => ({ permit: () => unschedulable('', 'quota') }) },
    { name: 'NotMine', create: () => ({ bind: async () => ({ code: 'Skip' }) }) },
    { name: 'Binder', create: () => ({ bind: async (_p, n) => (log.push(`bound to ${n}`), { code: 'Success' }) }) },
    { name: 'Exploding', create: () => { throw new Error('needs a GPU'); } },
  ];
  for (const f of factories) r.add(f);
  return r;
}

async function profiles(t: ExecutionContext, defaultsBody: string, userBody?: string, log: string[] = []) {
  const s = await Scratch.create(t);
  const defaults = await s.defaults(defaultsBody);
  const user = userBody === undefined ? undefined : await s.config(userBody);
  const loaded = await loadConfig(user, { defaultFile: defaults });
  const problems = new Problems(loaded.sources);
  const built = buildSchedulerProfiles(loaded.config.scheduler.profiles, registry(log), problems);
  problems.throwIfAny();
  return { built, user, defaults };
}

test('filter taps run in profile order and bail at the first refusal', async (t) => {
  const log: string[] = [];
  const { built } = await profiles(t, 'scheduler: { profiles: [{ name: default-scheduler, plugins: { filter: { enabled: [{ name: NodeName }, { name: Taints }] } } }] }\n', undefined, log);
  const profile = built.get('default-scheduler')!;
  t.deepEqual(profile.hooks.filter.taps.map((x) => x.name), ['NodeName', 'Taints']);
  t.is(profile.hooks.filter.call(pod(), node('good'), new CycleState()), undefined);
  t.deepEqual(profile.hooks.filter.call(pod(), node('bad'), new CycleState()), { code: 'Unschedulable', reasons: ['node is bad'], plugin: 'NodeName' });
  t.deepEqual(log, ['NodeName:good', 'Taints:good', 'NodeName:bad']);
  t.true(Object.isFrozen(profile.hooks));
});

const DEFAULT_PROFILE = `scheduler:
  profiles:
    - name: default-scheduler
      plugins:
        filter: { enabled: [{ name: NodeName }, { name: Taints }] }
        score: { enabled: [{ name: Spread, weight: 1 }, { name: Resources, weight: 2 }] }
`;

test("each user profile starts from the default profile's plugins: disable, '*', add, re-weight", async (t) => {
  const { built } = await profiles(
    t,
    DEFAULT_PROFILE,
    `scheduler:
  profiles:
    - name: default-scheduler
    - name: custom
      plugins:
        filter: { disabled: [NodeName], enabled: [{ name: Zone }] }
        score: { enabled: [{ name: Spread, weight: 5 }] }
    - name: bare
      plugins:
        filter: { disabled: ["*"], enabled: [{ name: Zone }] }
        score: { disabled: ["*"] }
`,
  );
  t.deepEqual([...built.keys()], ['default-scheduler', 'custom', 'bare']);
  t.deepEqual(built.get('default-scheduler')!.enabled.filter, [{ name: 'NodeName' }, { name: 'Taints' }]);
  t.deepEqual(built.get('custom')!.enabled.filter, [{ name: 'Taints' }, { name: 'Zone' }]);
  t.deepEqual(built.get('custom')!.enabled.score, [{ name: 'Spread', weight: 5 }, { name: 'Resources', weight: 2 }]);
  t.deepEqual(built.get('bare')!.enabled.filter, [{ name: 'Zone' }]);
  t.deepEqual(built.get('bare')!.enabled.score, []);
  t.not(built.get('custom')!.hooks, built.get('bare')!.hooks, 'every profile has its own hooks');
});

test('score: normalizeScore, then weight, summed per node; the args reach the plugin validated', async (t) => {
  const log: string[] = [];
  const { built } = await profiles(
    t,
    `${DEFAULT_PROFILE}      pluginConfig: [{ name: Resources, args: { factor: 2 } }]\n`,
    undefined,
    log,
  );
  const totals = new Map<string, number>();
  built.get('default-scheduler')!.hooks.score.call(pod(), [node('a'), node('b')], new CycleState(), totals);
  // Spread: 2,4 normalized to 50,100 (weight 1); Resources: 20,40 (weight 2).
  t.deepEqual([...totals], [['a', 50 + 40], ['b', 100 + 80]]);
  t.deepEqual(log, ['Resources created: strategy least, factor 2']);
});

test('a score outside [0, 100] after normalizeScore throws, naming the plugin', async (t) => {
  const { built } = await profiles(t, 'scheduler: { profiles: [{ name: p, plugins: { score: { enabled: [{ name: Wild }] } } }] }\n');
  t.throws(() => built.get('p')!.hooks.score.call(pod(), [node('a')], new CycleState(), new Map()), {
    message: 'scheduler plugin "Wild" scored node "a" 1000; scores must lie in [0, 100] after normalizeScore',
  });
});

test('Skip from preFilter skips that plugin\'s filter for the cycle', async (t) => {
  const log: string[] = [];
  const { built } = await profiles(t, DEFAULT_PROFILE.replace('filter: { enabled: [{ name: NodeName }, { name: Taints }] }', 'preFilter: { enabled: [{ name: Taints }] }\n        filter: { enabled: [{ name: NodeName }, { name: Taints }] }'), undefined, log);
  const { hooks } = built.get('default-scheduler')!;
  const state = new CycleState();
  const skipping = pod('skipper', { skip: 'yes' });
  t.is(hooks.preFilter.call(skipping, state), undefined);
  hooks.filter.call(skipping, node('n1'), state);
  const fresh = new CycleState();
  hooks.preFilter.call(pod(), fresh);
  hooks.filter.call(pod(), node('n2'), fresh);
  t.deepEqual(log.filter((l) => !l.includes('created')), ['NodeName:n1', 'NodeName:n2', 'Taints:n2']);
});

test('reserve stops at the first failure; unreserve runs every reserve plugin in reverse order', async (t) => {
  const log: string[] = [];
  const { built } = await profiles(t, 'scheduler: { profiles: [{ name: p, plugins: { reserve: { enabled: [{ name: R1 }, { name: R3 }, { name: R2 }] } } }] }\n', undefined, log);
  const { hooks } = built.get('p')!;
  const state = new CycleState();
  const failed = await hooks.reserve.promise(pod(), 'n1', state);
  t.deepEqual(failed, { code: 'Unschedulable', reasons: ['no room'], plugin: 'R3' });
  await hooks.unreserve.promise(pod(), 'n1', state);
  t.deepEqual(log, ['reserve R1', 'reserve R3', 'unreserve R2', 'unreserve R3', 'unreserve R1']);
});

test('permit combines answers: the longest Wait, unless someone refuses', async (t) => {
  const waiting = await profiles(t, 'scheduler: { profiles: [{ name: p, plugins: { permit: { enabled: [{ name: WaitShort }, { name: WaitLong }] } } }] }\n');
  t.deepEqual(waiting.built.get('p')!.hooks.permit.call({ code: 'Success' }, pod(), 'n1', new CycleState()), { code: 'Wait', timeoutMs: 500, plugin: 'WaitLong' });
  const refused = await profiles(t, 'scheduler: { profiles: [{ name: p, plugins: { permit: { enabled: [{ name: WaitLong }, { name: Deny }, { name: WaitShort }] } } }] }\n');
  t.deepEqual(refused.built.get('p')!.hooks.permit.call({ code: 'Success' }, pod(), 'n1', new CycleState()), { code: 'Unschedulable', reasons: ['quota'], plugin: 'Deny' });
});

test('bind: Skip passes to the next binder, the first real answer wins', async (t) => {
  const log: string[] = [];
  const { built } = await profiles(t, 'scheduler: { profiles: [{ name: p, plugins: { bind: { enabled: [{ name: NotMine }, { name: Binder }] } } }] }\n', undefined, log);
  t.deepEqual(await built.get('p')!.hooks.bind.promise(pod(), 'n1', new CycleState()), { plugin: 'Binder', code: 'Success' });
  t.deepEqual(log, ['bound to n1']);
});

test('a profile naming an unregistered plugin, or one lacking the extension point, stops start-up', async (t) => {
  const problems = await problemsOf(t, () =>
    profiles(
      t,
      '',
      `scheduler:
  profiles:
    - name: p
      plugins:
        filter: { enabled: [{ name: NodeNme }, { name: Spread }], disabled: [Tains] }
        score: { enabled: [{ name: Exploding }] }
      pluginConfig: [{ name: Nope, args: {} }, { name: Resources, args: { strategy: greedy } }]
`,
    ),
  );
  const registered = 'Sorter, OtherSorter, NodeName, Taints, Zone, Spread, Resources, Wild, R1, R2, R3, WaitShort, WaitLong, Deny, NotMine, Binder, Exploding';
  t.deepEqual(problems.map((p) => [p.path, p.line, p.message]), [
    ['scheduler.profiles[0].plugins.filter.disabled[0]', 7, `scheduler plugin "Tains" is not registered; registered: ${registered}`],
    ['scheduler.profiles[0].pluginConfig[0].name', 9, `scheduler plugin "Nope" is not registered; registered: ${registered}`],
    ['scheduler.profiles[0].plugins.filter.enabled[0].name', 7, `scheduler plugin "NodeNme" is not registered; registered: ${registered}`],
    ['scheduler.profiles[0].plugins.filter.enabled[1].name', 7, 'scheduler plugin "Spread" does not implement filter (it has no filter())'],
    ['scheduler.profiles[0].plugins.score.enabled[0].name', 8, 'scheduler plugin "Exploding" threw while being created for profile "p": needs a GPU'],
  ]);
});

test("a scheduler plugin's args are validated by its own schema, at their path in the config", async (t) => {
  const problems = await problemsOf(t, () =>
    profiles(t, '', 'scheduler:\n  profiles:\n    - name: p\n      plugins: { score: { enabled: [{ name: Resources }] } }\n      pluginConfig:\n        - name: Resources\n          args: { strategy: greedy }\n'),
  );
  t.deepEqual(problems.map((p) => [p.path, p.line, p.message]), [
    ['scheduler.profiles[0].pluginConfig[0].args.strategy', 9, 'must be one of [least, most]'],
  ]);
});

test('queueSort: one plugin per profile, the same in every profile', async (t) => {
  const problems = await problemsOf(t, () =>
    profiles(
      t,
      '',
      `scheduler:
  profiles:
    - name: a
      plugins: { queueSort: { enabled: [{ name: Sorter }, { name: OtherSorter }] } }
    - name: b
      plugins: { queueSort: { enabled: [{ name: OtherSorter }] } }
`,
    ),
  );
  t.deepEqual(problems.map((p) => [p.path, p.message]), [
    ['scheduler.profiles[0].plugins.queueSort.enabled[1]', 'only one queueSort plugin may be enabled; "Sorter" already is'],
    ['scheduler.profiles[1].plugins.queueSort', 'every profile must use the same queueSort plugin (one queue serves them all): profile "a" uses Sorter, "b" uses OtherSorter'],
  ]);
});

test('weight is only for score, and a plugin enabled twice at one point is an error', async (t) => {
  const err = await t.throwsAsync(
    profiles(t, '', 'scheduler:\n  profiles:\n    - name: p\n      plugins: { filter: { enabled: [{ name: Zone, weight: 2 }] } }\n'),
    { instanceOf: ConfigError },
  );
  t.deepEqual(err!.problems.map((p) => [p.path, p.message]), [['scheduler.profiles[0].plugins.filter.enabled[0].weight', 'unknown key; expected one of: name']]);
  const twice = await problemsOf(t, () =>
    profiles(t, '', 'scheduler:\n  profiles:\n    - name: p\n      plugins: { filter: { enabled: [{ name: Zone }, { name: Zone }] } }\n'),
  );
  t.deepEqual(twice.map((p) => [p.path, p.message]), [['scheduler.profiles[0].plugins.filter.enabled[1].name', '"Zone" is enabled twice for filter']]);
});
