// The order of the proxy benchmark's runs and the ratios read from them. Direct runs bracket
// every proxied run (D P1 D P2 D P1 D ...), and each proxied run is compared with the mean of the
// two direct runs around it: the machine's other load drifts on a scale of seconds, and a drift
// that is linear over the three runs cancels. The proxied paths take turns, so none of them
// always follows the same one (a userspace run leaves sockets closing behind it).

/** The run order for `rounds` runs of each proxied path: path names, "direct" between each. */
export function bracketedSchedule(paths: readonly string[], rounds: number): string[] {
  const order: string[] = ['direct'];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < paths.length; i++) order.push(paths[(r + i) % paths.length]!, 'direct');
  }
  return order;
}

/** For each run of `path` in `order`: its value over the mean of the direct runs beside it. */
export function bracketedRatios(order: readonly string[], values: readonly number[], path: string): number[] {
  const ratios: number[] = [];
  order.forEach((name, i) => {
    if (name !== path) return;
    const before = values[i - 1]!;
    const after = values[i + 1]!;
    ratios.push(values[i]! / Math.max(1e-9, (before + after) / 2));
  });
  return ratios;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
