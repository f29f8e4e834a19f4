import test from 'ava';
import { loadConfig } from '../../src/kernel/index.js';
import { Scratch, problemsOf } from './helpers.js';

test('agent.clusterDNS takes one IP or up to three, and agent.clusterDomain a DNS name', async (t) => {
  const s = await Scratch.create(t);
  const defaults = await s.defaults();
  const one = await s.config('agent:\n  clusterDNS: 10.96.0.10\n  clusterDomain: corral.test\n', 'one.yaml');
  t.like((await loadConfig(one, { defaultFile: defaults })).config.agent, { clusterDNS: ['10.96.0.10'], clusterDomain: 'corral.test' });
  const several = await s.config('agent:\n  clusterDNS: [10.96.0.10, "fd00::a"]\n', 'several.yaml');
  const { agent } = (await loadConfig(several, { defaultFile: defaults })).config;
  t.deepEqual(agent.clusterDNS, ['10.96.0.10', 'fd00::a']);
  t.is(agent.clusterDomain, undefined);
});

test('a cluster DNS server that is not an IP, or a bad domain, is reported where it was written', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent:\n  clusterDNS: [10.96.0.10, dns.example, 10.0.0.0/8]\n  clusterDomain: "not a domain"\n');
  const problems = await problemsOf(t, async () => loadConfig(file, { defaultFile: await s.defaults() }));
  t.deepEqual(
    problems.map((p) => [p.path, p.line]),
    [
      ['agent.clusterDNS[1]', 4],
      ['agent.clusterDNS[2]', 4],
      ['agent.clusterDomain', 5],
    ],
  );
});
