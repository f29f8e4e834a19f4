import test from 'ava';
import { CommandRunner } from '../src/runner.js';

test('the runner runs commands with their input and reports status, stdout and stderr, many at once', async (t) => {
  const runner = new CommandRunner();
  t.teardown(() => runner.close());
  const echoed = await runner.run(['sh', '-c', 'cat; echo to-err >&2; exit 3'], 'from stdin\n');
  t.deepEqual(echoed, { code: 3, stdout: 'from stdin\n', stderr: 'to-err\n' });
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => runner.run(['sh', '-c', `echo ${i}`])));
  t.deepEqual(
    many.map((r) => r.stdout.trim()),
    Array.from({ length: 20 }, (_, i) => String(i)),
  );
});

test('a command that cannot run ends with 127 and says why; a killed one reports its signal', async (t) => {
  const runner = new CommandRunner();
  t.teardown(() => runner.close());
  const missing = await runner.run(['/nonexistent/crl-command']);
  t.is(missing.code, 127);
  t.regex(missing.stderr, /cannot run \/nonexistent\/crl-command/);
  const killed = await runner.run(['sh', '-c', 'kill -9 $$']);
  t.is(killed.code, 128 + 9);
});

test('a runner that cannot start rejects what waits on it, naming the runner', async (t) => {
  const runner = new CommandRunner('/nonexistent/crl-perl');
  const err = await t.throwsAsync(runner.run(['true']));
  t.regex(err!.message, /command runner \(\/nonexistent\/crl-perl\) could not run/);
});
