// Statuses reused while the runtime's list shows the same state.
import test from 'ava';
import { StatusCache } from '../src/statusCache.js';

test('a status is reused only in the state it was taken in, and forgotten when gone', (t) => {
  const cache = new StatusCache<{ state: string; exitCode?: number }>();
  cache.put('a', { state: 'CONTAINER_RUNNING' });
  t.deepEqual(cache.get('a', 'CONTAINER_RUNNING'), { state: 'CONTAINER_RUNNING' });
  t.is(cache.get('a', 'CONTAINER_EXITED'), undefined, 'an exit is read from a new status');
  cache.put('a', { state: 'CONTAINER_EXITED', exitCode: 3 });
  t.is(cache.get('a', 'CONTAINER_EXITED')?.exitCode, 3);
  t.is(cache.put('b', undefined), undefined);
  cache.put('b', { state: 'CONTAINER_RUNNING' });
  cache.retainOnly(new Set(['b']));
  t.is(cache.get('a', 'CONTAINER_EXITED'), undefined);
  cache.drop('b');
  t.is(cache.get('b', 'CONTAINER_RUNNING'), undefined);
});
