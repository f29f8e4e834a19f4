/**
 * The documentation of one hook, kept beside its declaration; `docs/hooks.md` is rendered from
 * these tables (see docs/render.ts), and a test fails when that file is stale.
 */
export interface HookDoc {
  /** The part of Corral that calls it: groups the reference. */
  readonly area: string;
  /** What each argument is. */
  readonly receives: string;
  /** What a tap may return, and what the caller does with it. */
  readonly returns: string;
  /** Who calls it, and when. */
  readonly when: string;
  /** Whether a tap may take long (I/O) or must return quickly (hot paths). */
  readonly mayBeSlow: boolean;
  /** Anything else a plugin author must know. */
  readonly notes?: string;
}
