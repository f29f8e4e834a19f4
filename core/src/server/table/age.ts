// Ages and durations the way kubectl writes them: about two significant figures, so a column
// of ages stays narrow ("45s", "3m2s", "2d3h", "400d").

/** A human-readable duration, as apimachinery's HumanDuration writes it. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to a second in the future is clock skew between machines: "0s".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return withRest(minutes, 'm', seconds % 60, 's');
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return withRest(hours, 'h', minutes % 60, 'm');
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return withRest(days, 'd', hours % 24, 'h');
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return withRest(years, 'y', days % 365, 'd');
  return `${years}y`;
}

function withRest(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major}${majorUnit}` : `${major}${majorUnit}${minor}${minorUnit}`;
}

/** The age of a timestamp at `now`: "<unknown>" when there is none or it does not parse. */
export function age(timestamp: string | undefined, now: Date): string {
  const ms = timestamp ? Date.parse(timestamp) : NaN;
  return Number.isNaN(ms) ? '<unknown>' : humanDuration(now.getTime() - ms);
}

/** The time from `start` to `end`, or '' when `start` is unknown. */
export function duration(start: string | undefined, end: string | undefined, now: Date): string {
  const from = start ? Date.parse(start) : NaN;
  if (Number.isNaN(from)) return '';
  const to = end ? Date.parse(end) : now.getTime();
  return humanDuration((Number.isNaN(to) ? now.getTime() : to) - from);
}
