// Which request targets the dispatcher serves itself: the plain resource URLs
//   /api/{version}/{rest}   /apis/{group}/{version}/{rest}
// read with one scan instead of koa's URL parsing and the router's pattern walk. Anything
// unusual (percent-encoding in the prefix, characters koa's URL parser treats apart, an empty
// rest that discovery answers) is left to koa, which answers it as it always did.

export interface ResourceUrl {
  readonly group: string;
  readonly version: string;
  /** Segments before the resource path: 2 for /api/v1, 3 for /apis/{group}/{version}. */
  readonly prefixSegments: number;
  /** The path, not decoded. */
  readonly path: string;
  /** After the '?', '' when none. */
  readonly querystring: string;
}

const SLASH = 47;
const QUESTION = 63;

/** Characters that send koa's URL parsing (parseurl) down its slow path. */
function isUnusual(c: number): boolean {
  return c === 9 || c === 10 || c === 12 || c === 13 || c === 32 || c === 35 || c === 0xa0 || c === 0xfeff;
}

/** The end of the segment starting at `from` in `path`: the next '/' or the end. */
function segmentEnd(path: string, from: number): number {
  const slash = path.indexOf('/', from);
  return slash < 0 ? path.length : slash;
}

/** A plain prefix segment: not empty, nothing to decode. */
function plainSegment(path: string, start: number, end: number): string | undefined {
  if (end <= start) return undefined;
  const segment = path.slice(start, end);
  return segment.includes('%') ? undefined : segment;
}

export function parseResourceUrl(url: string): ResourceUrl | undefined {
  let prefix: number;
  if (url.startsWith('/api/')) prefix = 5;
  else if (url.startsWith('/apis/')) prefix = 6;
  else return undefined;
  let question = -1;
  for (let i = prefix; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === QUESTION) {
      if (question < 0) question = i;
    } else if (isUnusual(c)) {
      return undefined;
    }
  }
  const path = question < 0 ? url : url.slice(0, question);
  const querystring = question < 0 ? '' : url.slice(question + 1);
  let group = '';
  let at = prefix;
  if (prefix === 6) {
    const end = segmentEnd(path, at);
    const named = plainSegment(path, at, end);
    if (named === undefined) return undefined;
    group = named;
    at = end + 1;
  }
  const end = segmentEnd(path, at);
  const version = plainSegment(path, at, end);
  // No rest after the version: discovery's URL (/api/v1, /api/v1/), koa's to answer.
  if (version === undefined || end + 1 >= path.length || path.charCodeAt(end) !== SLASH) return undefined;
  return { group, version, prefixSegments: prefix === 5 ? 2 : 3, path, querystring };
}
