import { ConfigError, type ConfigProblem } from './ConfigError.js';
import type { ConfigSource } from './config/ConfigSource.js';
import { formatPath, type ConfigPath, type Origin } from './config/paths.js';

/**
 * Collects every problem start-up finds, so one run reports all of them, each placed in its file
 * (with line and column when the file was parsed here).
 */
export class Problems {
  private readonly list: ConfigProblem[] = [];
  private readonly sources = new Map<string, ConfigSource>();

  constructor(sources: Iterable<ConfigSource> = []) {
    for (const s of sources) this.sources.set(s.file, s);
  }

  /** Lets problems in `source`'s file carry line and column. */
  addSource(source: ConfigSource): void {
    this.sources.set(source.file, source);
  }

  get count(): number {
    return this.list.length;
  }

  get all(): readonly ConfigProblem[] {
    return this.list;
  }

  /** A problem at `origin` (plus `more` path segments below it). */
  at(origin: Origin, message: string, more: ConfigPath = []): void {
    const path = [...origin.path, ...more];
    const pos = this.sources.get(origin.file)?.locate(path);
    this.list.push({ file: origin.file, path: formatPath(path), message, line: pos?.line, col: pos?.col });
  }

  add(...problems: ConfigProblem[]): void {
    this.list.push(...problems);
  }

  /** Throws one ConfigError with everything collected so far, if anything was. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError([...this.list]);
  }
}
