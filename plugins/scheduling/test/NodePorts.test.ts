import test from 'ava';
import { CycleState, type Pod } from '@corral/core';
import { NodePorts } from '../src/index.js';
import { info, instance, node, pod } from './helpers.js';

const plugin = instance(NodePorts);
const REASON = "node(s) didn't have free ports for the requested pod ports";

function check(p: Pod, running: Pod[]): string | undefined | 'skipped' {
  const state = new CycleState();
  if (plugin.preFilter!(p, state)?.code === 'Skip') return 'skipped';
  return plugin.filter!(p, info(node('n'), running), state)?.reasons?.[0];
}

test('a pod without host ports skips the filter', (t) => {
  t.is(check(pod('p'), [pod('r', { hostPorts: [{ port: 80 }] })]), 'skipped');
});

test('host ports clash on the same port and protocol, where 0.0.0.0 means every IP', (t) => {
  const web = pod('web', { hostPorts: [{ port: 80 }] });
  t.is(check(pod('p', { hostPorts: [{ port: 80 }] }), [web]), REASON);
  t.is(check(pod('p', { hostPorts: [{ port: 81 }] }), [web]), undefined);
  t.is(check(pod('p', { hostPorts: [{ port: 80, protocol: 'UDP' }] }), [web]), undefined, 'UDP 80 is another port');
  t.is(check(pod('p', { hostPorts: [{ port: 80, hostIP: '10.0.0.1' }] }), [web]), REASON, 'the running pod holds 80 on every IP');
  const pinned = pod('pinned', { hostPorts: [{ port: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] });
  t.is(check(pod('p', { hostPorts: [{ port: 53, protocol: 'UDP', hostIP: '10.0.0.2' }] }), [pinned]), undefined, 'another IP');
  t.is(check(pod('p', { hostPorts: [{ port: 53, protocol: 'UDP' }] }), [pinned]), REASON, '0.0.0.0 wants it on 10.0.0.1 too');
  t.is(check(pod('p', { hostPorts: [{ port: 9000 }, { port: 53, protocol: 'UDP', hostIP: '10.0.0.1' }] }), [pinned]), REASON, 'any one clash is enough');
});
