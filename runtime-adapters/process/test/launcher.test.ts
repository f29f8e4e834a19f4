import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Launcher } from '../src/launcher.js';
import { waitForFileOrEnd } from '../src/files.js';
import { processRef } from '../src/procs.js';
import { alive } from './helpers.js';

// The launcher starts the adapter's detached processes in place of the agent's own spawn.
const dir = await mkdtemp(join(tmpdir(), 'corral-process-launcher-'));
const launcher = new Launcher('perl');

test.after.always(async () => {
  launcher.close();
  await rm(dir, { recursive: true, force: true });
});

test('a launched program runs with only the given environment, in a session of its own, its output in the given files', async (t) => {
  const out = join(dir, 'env.out');
  const pid = await launcher.launch({
    argv: ['/bin/sh', '-c', 'echo "$GREETING $(env | wc -l)"; ps -o sid= -p $$ | tr -d " " >&2; : > "$DONE"'],
    env: { GREETING: 'hello world', DONE: join(dir, 'env.done') },
    stdout: out,
    stderr: join(dir, 'env.err'),
  });
  t.is(await waitForFileOrEnd(dir, 'env.done', await processRef(pid), 10_000), 'found');
  // GREETING, DONE and the PWD sh adds.
  t.is(await readFile(out, 'utf8'), 'hello world 3\n');
  t.is((await readFile(join(dir, 'env.err'), 'utf8')).trim(), String(pid), 'the program leads its own session');
});

test('a program that cannot run ends, and says why in its stderr file', async (t) => {
  const err = join(dir, 'missing.err');
  const pid = await launcher.launch({ argv: [join(dir, 'no-such-program')], env: {}, stdout: '/dev/null', stderr: err });
  t.is(await waitForFileOrEnd(dir, 'never', await processRef(pid), 10_000), 'ended');
  t.false(alive(pid));
  t.regex(await readFile(err, 'utf8'), /cannot run .*no-such-program: No such file or directory/);
});

test('many launches at once each get their own answer', async (t) => {
  const pids = await Promise.all(
    Array.from({ length: 20 }, (_, i) => launcher.launch({ argv: ['/bin/sh', '-c', `echo ${i}`], env: {}, stdout: join(dir, `many-${i}.out`), stderr: '/dev/null' })),
  );
  t.is(new Set(pids).size, 20);
  for (let i = 0; i < 20; i++) {
    const text = await (async () => {
      for (let tries = 0; tries < 200; tries++) {
        const s = await readFile(join(dir, `many-${i}.out`), 'utf8').catch(() => '');
        if (s) return s;
        await new Promise((r) => setTimeout(r, 25));
      }
      return '';
    })();
    t.is(text, `${i}\n`);
  }
});
