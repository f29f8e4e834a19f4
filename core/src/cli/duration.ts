// Go-style durations as kubectl's flags take them: `30s`, `1m30s`, `500ms`, `2h`; a bare number
// is seconds (`--request-timeout=5`).

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; throws with the flag's name on a malformed value. */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const parts = value.match(/^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/) ? value.match(/\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)/g) : null;
  if (!parts) throw new Error(`invalid duration "${text}" for --${flag}: use a number of seconds or a unit, e.g. 30s, 1m, 500ms`);
  return parts.reduce((sum, part) => {
    const [, n, unit] = /^(\d+(?:\.\d+)?)(.+)$/.exec(part)!;
    return sum + Number(n) * UNITS[unit!]!;
  }, 0);
}

/** `1m30s` style, for messages. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m0s`;
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${(ms % 60_000) / 1000}s` : `${ms / 1000}s`;
}
