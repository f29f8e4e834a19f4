/** One thing wrong with the configuration: where it is, and what was expected. */
export interface ConfigProblem {
  /** The config file (absolute path), or the plugin's file when the problem is in its code. */
  readonly file: string;
  /** The path inside the config, e.g. `plugins[2].options.weight`; '' for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in `file`, when known. */
  readonly line?: number;
  readonly col?: number;
}

/**
 * Everything wrong with a configuration, found before anything started. Start-up collects every
 * problem it can find and throws this once, so one run shows all of them.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.problems = problems;
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const head = problems.length === 1 ? '1 problem in the Corral configuration' : `${problems.length} problems in the Corral configuration`;
  return [`${head}; nothing was started:`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
}
