// Writes the frontend's files into one ConfigMap manifest, which the frontend pods mount at
// /app: the code reaches every runtime (process, docker, cri) without building an image of it.
// After editing a file here:  node examples/guestbook/frontend/configmap.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FILES = ['index.html', 'redis.mjs', 'server.mjs'];
export const MANIFEST = fileURLToPath(new URL('../03-frontend-app.yaml', import.meta.url));

/** The manifest's text: each file as a literal block, byte for byte. */
export function frontendConfigMap() {
  const lines = [
    '# Generated from frontend/ by `node examples/guestbook/frontend/configmap.mjs`; edit those files, not this one.',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: guestbook-frontend',
    '  labels:',
    '    app: guestbook',
    'data:',
  ];
  for (const file of FILES) {
    const text = readFileSync(new URL(file, import.meta.url), 'utf8');
    if (!text.endsWith('\n') || text.endsWith('\n\n') || /^\s/.test(text) || /[ \t]$/m.test(text)) {
      throw new Error(`frontend/${file}: a literal block needs the text to start with no blank, end with one newline and have no trailing blanks`);
    }
    lines.push(`  ${file}: |`);
    for (const line of text.slice(0, -1).split('\n')) lines.push(line ? `    ${line}` : '');
  }
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(MANIFEST, frontendConfigMap());
  console.log(`wrote ${MANIFEST}`);
}
