/** A path inside a config document: keys and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** Where a value of the effective config came from: the file and the path inside it. */
export interface Origin {
  readonly file: string;
  readonly path: ConfigPath;
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `['plugins', 2, 'options', 'weight']` → `plugins[2].options.weight`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}
