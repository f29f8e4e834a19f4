import type { Argv, CommandModule } from 'yargs';
import yargs from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';

interface CompletionArgs extends GlobalArgs {
  shell: 'bash' | 'zsh';
}

/**
 * `corral completion bash|zsh`: the shell script (yargs' own) that completes corral's commands
 * by asking `corral --get-yargs-completions`.
 */
export function completionCommand(ctx: CliContext): CommandModule<GlobalArgs, CompletionArgs> {
  return {
    command: 'completion <shell>',
    describe: 'Print the shell completion script for bash or zsh',
    builder: (y) => y.positional('shell', { choices: ['bash', 'zsh'] as const, demandOption: true, describe: 'the shell' }) as Argv<CompletionArgs>,
    handler: async (argv) => {
      // yargs' install hint names the bare command; ours takes the shell.
      ctx.stdout.write((await completionScript(argv.shell)).replaceAll('corral completion >>', `corral completion ${argv.shell} >>`));
    },
  };
}

/** yargs picks the script by $SHELL; a throwaway instance is asked under the shell wanted. */
export async function completionScript(shell: 'bash' | 'zsh'): Promise<string> {
  const saved = { SHELL: process.env.SHELL, ZSH_NAME: process.env.ZSH_NAME };
  process.env.SHELL = shell === 'zsh' ? '/bin/zsh' : '/bin/bash';
  delete process.env.ZSH_NAME;
  try {
    return await new Promise<string>((resolve, reject) => {
      yargs()
        .scriptName('corral')
        .completion('completion', false)
        .exitProcess(false)
        .parse(['completion'], {}, (err, _argv, output) => (err ? reject(err) : resolve(output.endsWith('\n') ? output : `${output}\n`)));
    });
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
