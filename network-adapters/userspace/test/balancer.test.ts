import test from 'ava';
import { Balancer, backendKey } from '../src/index.js';

const b = (ip: string, port = 80, ready = true) => ({ ip, port, ready });

test('round robin over ready backends only', (t) => {
  const lb = new Balancer();
  lb.update([b('10.0.0.1'), b('10.0.0.2'), b('10.0.0.3', 80, false)], undefined);
  const seen = Array.from({ length: 4 }, () => lb.pick('1.1.1.1')!.ip);
  t.deepEqual(seen, ['10.0.0.1', '10.0.0.2', '10.0.0.1', '10.0.0.2']);
  t.deepEqual([...lb.liveKeys()], ['10.0.0.1:80', '10.0.0.2:80']);
});

test('tried backends are skipped; none left gives undefined', (t) => {
  const lb = new Balancer();
  lb.update([b('10.0.0.1'), b('10.0.0.2')], undefined);
  const tried = new Set([backendKey(b('10.0.0.1'))]);
  t.is(lb.pick('c', tried)!.ip, '10.0.0.2');
  tried.add(backendKey(b('10.0.0.2')));
  t.is(lb.pick('c', tried), undefined);
});

test('ClientIP affinity sticks until the timeout, and ends when the backend goes', (t) => {
  let now = 0;
  const lb = new Balancer({ now: () => now });
  lb.update([b('10.0.0.1'), b('10.0.0.2')], 1000);
  const first = lb.pick('192.0.2.7')!.ip;
  for (let i = 0; i < 5; i++) t.is(lb.pick('192.0.2.7')!.ip, first);
  t.not(lb.pick('192.0.2.8')!.ip, undefined);
  now += 5000;
  lb.pick('192.0.2.9');
  // Expired: round robin decides again (and may move the client).
  const after = lb.pick('192.0.2.7')!.ip;
  t.true(after === '10.0.0.1' || after === '10.0.0.2');
  lb.update([b(after === '10.0.0.1' ? '10.0.0.2' : '10.0.0.1')], 1000);
  t.not(lb.pick('192.0.2.7')!.ip, after);
});
