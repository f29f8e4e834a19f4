import test from 'ava';
import { runCli } from '../../src/cli/cli.js';
import { Scratch } from './helpers.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

test('no command, or an unknown one, is a usage error (exit 2)', async (t) => {
  const none = capture();
  t.is(await runCli([], { ...none.io, env: {} }), 2);
  t.regex(none.err, /name a command/);
  const unknown = capture();
  t.is(await runCli(['frobnicate'], { ...unknown.io, env: {} }), 2);
  t.regex(unknown.err, /Unknown argument: frobnicate/);
});

test('a config problem is printed with its file and path, exit 1', async (t) => {
  const s = await Scratch.create(t);
  const file = await s.config('agent: { runtime: Docker }\n');
  const c = capture();
  t.is(await runCli(['plugins', '--config', file], { ...c.io, env: {} }), 1);
  t.is(
    c.err,
    `1 problem in the Corral configuration; nothing was started:\n  ${file}:3:19: agent.runtime: must be a lower-case name (letters, digits, dashes), e.g. "docker"\n`,
  );
  t.is(c.out, '');
});

test('CORRAL_CONFIG is the fallback for --config, and --config wins over it', async (t) => {
  const s = await Scratch.create(t);
  const fromEnv = `${s.dir}/from-env.yaml`;
  const fromFlag = `${s.dir}/from-flag.yaml`;
  const env = capture();
  t.is(await runCli(['plugins'], { ...env.io, env: { CORRAL_CONFIG: fromEnv } }), 1);
  t.true(env.err.includes(`${fromEnv}: cannot read the config file: file not found`));
  const flag = capture();
  t.is(await runCli(['plugins', '--config', fromFlag], { ...flag.io, env: { CORRAL_CONFIG: fromEnv } }), 1);
  t.true(flag.err.includes(fromFlag));
  t.false(flag.err.includes(fromEnv));
});
