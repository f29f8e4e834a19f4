/**
 * The command `args` name: the first argument that is neither an option nor the value of the
 * global --config (the only global option that takes one). Read before yargs is loaded, so that
 * only what that command needs is.
 */
export function commandOf(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--config') i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}
