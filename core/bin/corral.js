#!/usr/bin/env node
// The `corral` command. A file of its own (not the compiled entry) so that npm can link it
// before the first build; it says what to do when the build is missing.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('corral is not built yet: run "npm run build" (or "bash scripts/setup.sh") in the repository first\n');
  process.exit(1);
}
await import(entry.href);
