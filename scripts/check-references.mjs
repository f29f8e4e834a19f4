#!/usr/bin/env node
// Checks that every workspace package's tsconfig `references` name exactly the workspace
// packages it depends on, and that the root tsconfig references every TypeScript package.
// A missing reference builds in the wrong order; an extra one hides a missing dependency.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** tsconfig files may hold comments and trailing commas. */
function readJsonc(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:"'])\/\/.*$/gm, '$1')
    .replace(/,(\s*[}\]])/g, '$1');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${relative(root, file)}: not valid JSON: ${err.message}`);
  }
}

function workspaceDirs() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = join(root, pattern.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const entry of readdirSync(parent, { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(parent, entry.name, 'package.json'))) {
          dirs.push(join(parent, entry.name));
        }
      }
    } else if (existsSync(join(root, pattern, 'package.json'))) {
      dirs.push(join(root, pattern));
    }
  }
  return dirs;
}

const packages = new Map(); // name -> dir
for (const dir of workspaceDirs()) {
  packages.set(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name, dir);
}

const problems = [];
const rootRefs = new Set(
  (readJsonc(join(root, 'tsconfig.json')).references ?? []).map((r) => resolve(root, r.path)),
);

for (const [name, dir] of packages) {
  const tsconfigFile = join(dir, 'tsconfig.json');
  if (!existsSync(tsconfigFile)) continue; // plain JavaScript package: nothing to build
  const where = relative(root, tsconfigFile);
  if (!rootRefs.has(dir)) problems.push(`tsconfig.json: references no "${relative(root, dir)}" (package ${name})`);

  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = new Set(
    [pkg.dependencies, pkg.devDependencies, pkg.peerDependencies]
      .flatMap((d) => Object.keys(d ?? {}))
      .filter((d) => packages.has(d) && existsSync(join(packages.get(d), 'tsconfig.json'))),
  );
  const refs = new Set();
  for (const ref of readJsonc(tsconfigFile).references ?? []) {
    const target = resolve(dir, ref.path.replace(/\/tsconfig\.json$/, ''));
    const refName = [...packages].find(([, d]) => d === target)?.[0];
    if (!refName) problems.push(`${where}: reference "${ref.path}" is not a workspace package`);
    else refs.add(refName);
  }
  for (const d of deps) if (!refs.has(d)) problems.push(`${where}: depends on ${d} but has no reference to it`);
  for (const r of refs) if (!deps.has(r)) problems.push(`${where}: references ${r} but package.json does not depend on it`);
}

if (problems.length > 0) {
  process.stderr.write(`tsconfig references do not match workspace dependencies:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
