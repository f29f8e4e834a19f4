import test from 'ava';
import { clusterNames, DEFAULT_UNDERLAY, ownNamePattern } from '../../src/up/names.js';

test('names come from the data dir: the same dir gives the same names, another dir others', (t) => {
  const a = clusterNames('/srv/a/data', DEFAULT_UNDERLAY, 3, 'node');
  t.deepEqual(clusterNames('/srv/a/data', DEFAULT_UNDERLAY, 3, 'node'), a);
  const b = clusterNames('/srv/b/data', DEFAULT_UNDERLAY, 3, 'node');
  t.not(a.bridge, b.bridge);
  t.deepEqual(a.nodes.map((n) => n.name), ['node-1', 'node-2', 'node-3']);
  for (const name of [a.bridge, ...a.nodes.flatMap((n) => [n.hostVeth, n.peer])]) t.true(name.length <= 15, `${name} fits IFNAMSIZ`);
});

test('addresses: the server first, then one per node; a subnet too small is refused', (t) => {
  const names = clusterNames('/d', '10.230.1.0/29', 4, 'n');
  t.is(names.serverIP, '10.230.1.1');
  t.deepEqual(names.nodes.map((n) => n.ip), ['10.230.1.2', '10.230.1.3', '10.230.1.4', '10.230.1.5']);
  t.is(names.prefix, 29);
  t.throws(() => clusterNames('/d', '10.230.1.0/29', 6, 'n'), { message: /too small for 6 nodes.*--underlay/ });
  t.throws(() => clusterNames('/d', '10.230.1.1/24', 2, 'n'), { message: /host bits set/ });
});

test("the leftover pattern matches this cluster's names only", (t) => {
  const names = clusterNames('/d', DEFAULT_UNDERLAY, 2, 'n');
  const own = ownNamePattern(names.id);
  for (const name of [names.bridge, ...names.nodes.flatMap((n) => [n.netns, n.hostVeth, n.peer])]) t.true(own.test(name), name);
  const other = clusterNames('/e', DEFAULT_UNDERLAY, 2, 'n');
  t.false(own.test(other.bridge));
  t.false(own.test('eth0'));
});
