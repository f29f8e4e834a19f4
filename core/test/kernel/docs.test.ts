import test from 'ava';
import { readFile } from 'node:fs/promises';
import { HOOKS_DOC_PATH, renderHooksDoc } from '../../src/kernel/index.js';

// From core/dist/test/kernel/ to the repository root.
const root = new URL('../../../../', import.meta.url);

test('docs/hooks.md is the rendering of the hook tables (regenerate: node core/scripts/gen-hooks-doc.mjs)', async (t) => {
  const onDisk = await readFile(new URL(HOOKS_DOC_PATH, root), 'utf8');
  t.is(onDisk, renderHooksDoc(), 'docs/hooks.md is stale: run `npx tsc -b && node core/scripts/gen-hooks-doc.mjs`');
});

test('the reference names every hook with its tapable kind and arguments', (t) => {
  const doc = renderHooksDoc();
  t.true(doc.includes('`corral.hooks.mutate`: AsyncSeriesWaterfallHook(object, ctx)'));
  t.true(doc.includes('`corral.hooks.runtimeAdapter.for(name)`: HookMap of SyncBailHook(ctx)'));
  t.true(doc.includes('`profile.hooks.filter`: SyncBailHook(pod, node, state)'));
});
