/** Where a command writes, and the environment it reads: the process's own, or a test's. */
export interface CliContext {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** What `-f -` and `exec -i` read; the process's stdin when not given. */
  readonly stdin?: NodeJS.ReadableStream;
  /** Set by a command that fails without throwing. */
  exitCode: number;
}

/** The options every command has. */
export interface GlobalArgs {
  /** The user's config file; `$CORRAL_CONFIG` when not given. */
  config?: string;
}
