// The order of the proxy benchmark's runs and the ratios read from them. Each proxied path is
// measured in blocks of four runs with a direct pair of its own, in ABBA order (D P P D, then
// P D D P in the next block, and so on): within a block both sides take one run in an even and
// one in an odd place and sit at the same mean time, so a drift that is linear over the block
// cancels, and so does a level that alternates from run to run (as the direct runs' did when
// each proxied run was bracketed by two direct ones). A block's ratio is its two proxied runs over its two direct
// runs; the path's ratio is the median of its blocks'. Blocks of the paths take turns, so no
// path always follows the same one.

export interface Block {
  readonly path: string;
  /** "direct" or the path, in run order. */
  readonly runs: readonly string[];
}

/** `rounds` blocks per path, the paths taking turns; ABBA and BAAB alternate for each path. */
export function pairedSchedule(paths: readonly string[], rounds: number): Block[] {
  const blocks: Block[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[(r + i) % paths.length]!;
      blocks.push({ path, runs: r % 2 === 0 ? ['direct', path, path, 'direct'] : [path, 'direct', 'direct', path] });
    }
  }
  return blocks;
}

/** A block's ratio: the sum of its path's values over the sum of its direct ones. */
export function blockRatio(block: Block, values: readonly number[]): number {
  let through = 0;
  let direct = 0;
  block.runs.forEach((name, i) => {
    if (name === 'direct') direct += values[i]!;
    else through += values[i]!;
  });
  return through / Math.max(1e-9, direct);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The spread of ratios: lowest, quartiles, highest. */
export function spread(xs: readonly number[]): { min: number; q1: number; q3: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (s.length - 1) * q;
    const lo = Math.floor(pos);
    return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
  };
  return { min: s[0]!, q1: at(0.25), q3: at(0.75), max: s.at(-1)! };
}
