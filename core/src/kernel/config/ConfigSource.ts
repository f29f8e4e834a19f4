import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { ConfigProblem } from '../ConfigError.js';
import type { ConfigPath } from './paths.js';

/** A parsed config file that can say where (line, column) a path of it is. */
export class ConfigSource {
  private constructor(
    readonly file: string,
    readonly value: unknown,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses YAML (JSON is YAML too, so both go through one parser and both get line numbers).
   * Returns the problems instead when the text is not a single well-formed document.
   */
  static parse(file: string, text: string): ConfigSource | ConfigProblem[] {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { file, path: '', message: `invalid YAML: ${e.message}`, line, col };
      });
    }
    return new ConfigSource(file, doc.toJS() ?? {}, doc, lines);
  }

  static async read(file: string): Promise<ConfigSource | ConfigProblem[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
      return [{ file, path: '', message: `cannot read the config file: ${reason}` }];
    }
    return ConfigSource.parse(file, text);
  }

  /** 1-based line and column of the value at `path`, or of its nearest ancestor present. */
  locate(path: ConfigPath): { line: number; col: number } | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node: unknown = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]);
    }
    return undefined;
  }
}
