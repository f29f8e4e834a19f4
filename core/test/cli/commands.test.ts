import test from 'ava';
import { PassThrough } from 'node:stream';
import { commandOf } from '../../src/cli/args.js';
import { commands } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';

const ctx: CliContext = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, exitCode: 0 };

test("each entry's name is the first word of the command its module declares, once", async (t) => {
  for (const entry of commands) {
    const factory = await entry.load();
    t.is(String(factory(ctx).command).split(' ')[0], entry.name);
  }
  t.is(new Set(commands.map((c) => c.name)).size, commands.length);
});

test('the command is the first argument that is not an option or the value of --config', (t) => {
  t.is(commandOf(['agent', '--node-name', 'n']), 'agent');
  t.is(commandOf(['--config', 'agent', 'get', 'pods']), 'get');
  t.is(commandOf(['--help']), undefined);
  t.is(commandOf([]), undefined);
});
