#!/usr/bin/env node
// Writes docs/hooks.md from the hook tables next to the hook declarations in core/src/kernel.
// Run after a build: `npx tsc -b && node core/scripts/gen-hooks-doc.mjs`.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HOOKS_DOC_PATH, renderHooksDoc } from '../dist/src/kernel/docs/render.js';

const target = new URL(HOOKS_DOC_PATH, new URL('../../', import.meta.url));
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, renderHooksDoc());
process.stdout.write(`wrote ${fileURLToPath(target)}\n`);
