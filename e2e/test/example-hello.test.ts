// examples/hello on the default `process` runtime, step by step as its README says.
import test from 'ava';
import { exampleCluster } from './support/examples.js';
import { checkHello } from './support/hello.js';

test('examples/hello: a Deployment of 3 behind a NodePort Service, by ClusterIP, NodePort and DNS name', async (t) => {
  // A CLI process per step: on a busy 2-core machine this can outlast ava's default.
  t.timeout(4 * 60_000);
  const cluster = await exampleCluster('hello');
  t.teardown(() => cluster.stop());
  await checkHello(t, cluster, 'process');
  t.is(await cluster.stop(), 0, cluster.output());
});
