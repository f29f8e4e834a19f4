// RFC 6901 JSON pointers: "/a/b~1c/0" names a -> "b/c" -> 0; "" is the whole document.

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new Error(`JSON pointer "${pointer}" must be empty or start with "/"`);
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw new Error(`JSON pointer "${pointer}" has a "~" not followed by 0 or 1`);
      }
      // ~1 first: "~01" must decode to "~1", not "/".
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => '/' + t.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The array index a token names, or undefined when it is not one ("01", "-1", "x"). */
export function arrayIndex(token: string): number | undefined {
  return /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : undefined;
}
