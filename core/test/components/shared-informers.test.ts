// Components read the informers they are handed: in `corral server`, the controller manager's
// set, which they use but never stop; without one, a set of their own that stops with them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ApiClient, createCorral, SharedInformerSet, startComponents, type ComponentContext, type Corral } from '../../src/index.js';
import { startTestApiServer, type TestApiServer } from '../../src/testing/index.js';

const NODES = { apiVersion: 'v1', kind: 'Node' } as const;
/** Where the test plugin's component leaves the context it was started with. */
const SEEN = 'corralComponentsTestSeen';

let dir: string;
let srv: TestApiServer;
let client: ApiClient;
let corral: Corral;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'corral-components-'));
  const plugin = join(dir, 'probe.mjs');
  await writeFile(
    plugin,
    `export default { name: 'probe', apply(corral) {
      corral.hooks.registerComponents.tap('probe', (registry) => registry.add({ name: 'probe', start: async (ctx) => { (globalThis.${SEEN} ??= []).push(ctx); return { stop: async () => undefined }; } }));
    } };\n`,
  );
  const config = join(dir, 'corral.yaml');
  // The built-in DNS component stays off: it would listen on a port of its own.
  const plugins = ['plugins:', `  - name: ${JSON.stringify(plugin)}`, '  - name: "@corral/plugin-dns"', '    enabled: false'];
  await writeFile(config, ['apiVersion: corral.dev/v1alpha1', 'kind: CorralConfig', ...plugins, ''].join('\n'));
  srv = await startTestApiServer({ backend: 'embedded' });
  client = new ApiClient({ server: srv.url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  corral = await createCorral({ role: 'server', configFile: config });
});

test.after.always(async () => {
  client?.close();
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

function lastContext(): ComponentContext {
  const seen = (globalThis as Record<string, unknown>)[SEEN] as ComponentContext[] | undefined;
  if (!seen?.length) throw new Error('the probe component was not started');
  return seen.at(-1)!;
}

test.serial('handed a shared set, components get it and leave it running when they stop', async (t) => {
  const shared = new SharedInformerSet({ client, resources: corral.resources });
  t.teardown(() => shared.stop());
  const components = await startComponents({ corral, client, kind: 'server', informers: shared });
  t.deepEqual(components.names, ['probe']);
  t.is(lastContext().informers, shared);
  const nodes = shared.informer(NODES);
  t.true(await nodes.waitForSync());
  await components.stop();
  t.false(nodes.stopped, 'the owner of the set stops it, not the components');
});

test.serial('without one, components get a set of their own that stops with them', async (t) => {
  const components = await startComponents({ corral, client, kind: 'server' });
  const own = lastContext().informers;
  t.true(own instanceof SharedInformerSet);
  const nodes = own.informer(NODES);
  t.true(await nodes.waitForSync());
  await components.stop();
  t.true(nodes.stopped);
});
