import test from 'ava';
import {
  ApiError,
  labelSelectorAsSelector,
  parseLabelSelector,
  Selector,
  SelectorParseError,
  selectorFromSet,
} from '../../src/api/index.js';

const labels = { app: 'web', tier: 'frontend', env: 'prod' };

test('each operator parses to its requirement and matches as Kubernetes does', (t) => {
  const cases: [string, string, string[], boolean][] = [
    ['app=web', '=', ['web'], true],
    ['app==web', '==', ['web'], true],
    ['app!=web', '!=', ['web'], false],
    ['app in (web,api)', 'in', ['api', 'web'], true],
    ['app notin (web)', 'notin', ['web'], false],
    ['app', 'exists', [], true],
    ['!app', '!', [], false],
  ];
  for (const [text, operator, values, matches] of cases) {
    const selector = parseLabelSelector(text);
    t.deepEqual(selector.requirements, [{ key: 'app', operator, values }], text);
    t.is(selector.matches(labels), matches, text);
  }
});

test('absent labels: != and notin match, = and in do not', (t) => {
  t.true(parseLabelSelector('missing!=x').matches(labels));
  t.true(parseLabelSelector('missing notin (x)').matches(labels));
  t.false(parseLabelSelector('missing=x').matches(labels));
  t.false(parseLabelSelector('missing in (x)').matches(labels));
  t.true(parseLabelSelector('!missing').matches(labels));
  t.false(parseLabelSelector('missing').matches(undefined));
});

test('requirements are ANDed, whitespace is tolerated, the empty string selects everything', (t) => {
  const selector = parseLabelSelector('  app = web ,tier in ( frontend , backend ),  !canary ');
  t.true(selector.matches(labels));
  t.false(selector.matches({ ...labels, canary: 'true' }));
  t.false(selector.matches({ ...labels, tier: 'db' }));
  t.true(parseLabelSelector('').isEverything());
  t.true(parseLabelSelector('   ').matches({}));
});

test('key= selects the empty value; in and notin are plain words where a value goes', (t) => {
  t.deepEqual(parseLabelSelector('a=').requirements, [{ key: 'a', operator: '=', values: [''] }]);
  t.true(parseLabelSelector('a=').matches({ a: '' }));
  t.false(parseLabelSelector('a=').matches({ a: 'x' }));
  t.true(parseLabelSelector('mode=in').matches({ mode: 'in' }));
  t.true(parseLabelSelector('mode in (in,notin)').matches({ mode: 'notin' }));
});

test('toString is canonical (sorted keys and values, = for ==) and round-trips', (t) => {
  const selector = parseLabelSelector('tier in (b,a), app==web,!x, env');
  t.is(selector.toString(), 'app=web,env,tier in (a,b),!x');
  t.is(parseLabelSelector(selector.toString()).toString(), selector.toString());
  t.is(parseLabelSelector('example.com/role notin (db)').toString(), 'example.com/role notin (db)');
});

test('malformed strings fail with the character position and what was expected', (t) => {
  const cases: [string, number, RegExp][] = [
    ['a in (x', 7, /found the end of the selector, expected ',' or '\)'/],
    ['a in x)', 5, /found 'x', expected '\(' to start a list of values/],
    ['a in ()', 6, /found '\)', expected a label value/],
    ['a in (x,)', 8, /found '\)', expected a label value after ','/],
    ['a b', 2, /found 'b', expected one of '=', '==', '!=', 'in', 'notin', ','/],
    ['=b', 0, /found '=', expected a label key/],
    ['a=b,', 4, /found the end of the selector, expected a label key/],
    ['a=b c', 4, /found 'c', expected ',' or the end of the selector/],
    ['a=(b)', 2, /found '\(', expected a label value/],
    ['Bad Key=x', 4, /found 'Key'/],
    ['a/b/c=x', 0, /invalid label key "a\/b\/c"/],
    ['a=-x', 2, /invalid label value "-x"/],
    ['a in (x, y z)', 11, /found 'z', expected ',' or '\)'/],
    ['!', 1, /expected a label key/],
  ];
  for (const [text, position, message] of cases) {
    const error = t.throws(() => parseLabelSelector(text), { instanceOf: SelectorParseError }, text);
    t.is(error?.position, position, text);
    t.regex(error?.message ?? '', message, text);
    t.regex(error?.message ?? '', new RegExp(`at position ${position}:`), text);
  }
});

test('a parse error is a 400 Bad Request ApiError', (t) => {
  const error = t.throws(() => parseLabelSelector('a in ('), { instanceOf: ApiError });
  t.is(error?.code, 400);
  t.is(error?.reason, 'BadRequest');
  t.regex(error?.message ?? '', /^unable to parse selector "a in \(": at position 6:/);
});

test('matchLabels and matchExpressions build the same selector as the string form', (t) => {
  const selector = labelSelectorAsSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['frontend', 'cache'] },
      { key: 'env', operator: 'NotIn', values: ['dev'] },
      { key: 'release', operator: 'Exists' },
      { key: 'canary', operator: 'DoesNotExist' },
    ],
  });
  t.is(selector.toString(), 'app=web,!canary,env notin (dev),release,tier in (cache,frontend)');
  t.true(selector.matches({ app: 'web', tier: 'cache', env: 'prod', release: 'r1' }));
  t.false(selector.matches({ app: 'web', tier: 'cache', env: 'dev', release: 'r1' }));
  t.false(selector.matches({ app: 'web', tier: 'cache', release: 'r1', canary: 'y' }));
});

test('an absent workload selector selects nothing, an empty one everything', (t) => {
  t.false(labelSelectorAsSelector(undefined).matches({ app: 'web' }));
  t.true(labelSelectorAsSelector(undefined).isNothing());
  t.true(labelSelectorAsSelector({}).matches({ app: 'web' }));
  t.false(Selector.nothing().matches({}));
});

test('operators whose values do not fit are refused', (t) => {
  t.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }), {
    message: /operator In on "a" needs values/,
  });
  t.throws(() => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), {
    message: /takes no values/,
  });
  t.throws(
    () => labelSelectorAsSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as never, values: ['1'] }] }),
    { message: /unknown operator "Gt"/ },
  );
});

test('a ReplicationController or Service map becomes equality requirements', (t) => {
  const selector = selectorFromSet({ name: 'redis-master', role: 'db' });
  t.is(selector.toString(), 'name=redis-master,role=db');
  t.true(selector.matches({ name: 'redis-master', role: 'db', extra: 'x' }));
  t.false(selector.matches({ name: 'redis-master' }));
  t.is(selector.requiredValue('name'), 'redis-master');
  t.true(selectorFromSet({}).isEverything());
});
