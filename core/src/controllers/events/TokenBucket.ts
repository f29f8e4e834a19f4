// A token bucket that answers at once: take a token now, or learn how long until one is free.
// The event sink paces its writes with one; the spam filter keeps one per object.

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** `perSecond` tokens a second (may be below 1), holding at most `burst`; starts full. */
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token if there is one. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is free (0: one is). */
  msUntilToken(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond);
  }

  /** True once the bucket is full again: it holds no history worth keeping. */
  full(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    if (now > this.last) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = Math.max(this.last, now);
  }
}
