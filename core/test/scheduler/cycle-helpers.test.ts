import test from 'ava';
import { unschedulable, unresolvable } from '../../src/kernel/index.js';
import { fitErrorMessage, numFeasibleNodesToFind, selectHost } from '../../src/scheduler/index.js';

test("numFeasibleNodesToFind follows kube-scheduler's adaptive percentage", (t) => {
  const adaptive = [50, 99, 100, 500, 1_000, 5_000, 6_000, 15_000].map((n) => [n, numFeasibleNodesToFind(0, n)]);
  t.deepEqual(adaptive, [
    [50, 50],
    [99, 99],
    [100, 100], // 50% would be 50: never fewer than 100
    [500, 230], // 46%
    [1_000, 420], // 42%
    [5_000, 500], // 10%
    [6_000, 300], // 2% is below the 5% floor
    [15_000, 750],
  ]);
  t.is(numFeasibleNodesToFind(30, 1_000), 300);
  t.is(numFeasibleNodesToFind(5, 1_000), 100);
  t.is(numFeasibleNodesToFind(100, 1_000), 1_000);
});

test('the FailedScheduling message counts each reason and sorts the entries as kube-scheduler does', (t) => {
  const memory = unschedulable('NodeResourcesFit', 'Insufficient memory');
  const ports = unschedulable('NodePorts', "node(s) didn't have free ports for the requested pod ports");
  t.is(
    fitErrorMessage(5, [memory, ports, memory, ports, memory]),
    "0/5 nodes are available: 2 node(s) didn't have free ports for the requested pod ports, 3 Insufficient memory.",
  );
  const both = unschedulable('NodeResourcesFit', 'Insufficient cpu', 'Insufficient memory');
  const taint = unresolvable('TaintToleration', 'node(s) had untolerated taint {dedicated: gpu}');
  t.is(fitErrorMessage(3, [both, both, taint]), '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu, 2 Insufficient memory.');
  t.is(fitErrorMessage(4, [], "node(s) didn't match Pod's node affinity/selector"), "0/4 nodes are available: node(s) didn't match Pod's node affinity/selector.");
});

test('selectHost takes the highest total and breaks ties with the random source', (t) => {
  const nodes = ['a', 'b', 'c', 'd'].map((name) => ({ name }));
  const totals = new Map([['a', 10], ['b', 30], ['c', 30], ['d', 5]]);
  t.is(selectHost(nodes, totals, () => 0.99), 'b');
  t.is(selectHost(nodes, totals, () => 0), 'c');
  t.is(selectHost(nodes, new Map(), () => 0.99), 'a', 'no scores: all tie');
});
