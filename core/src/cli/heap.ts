import { setFlagsFromString } from 'node:v8';
import { commandOf } from './args.js';

/**
 * Tunes V8's heap for the command about to run, before anything is loaded. The agent keeps its
 * young generation at its initial size (1 MB semi-spaces) instead of letting a burst of pods, or
 * its own start-up, grow them to 16 MB that then stay resident: it allocates little that lives
 * long. `--max-semi-space-size` only counts at process start; the growth factor is read each time
 * the space would grow, so setting it here, first thing, has the same effect.
 */
export function tuneHeapFor(args: readonly string[]): void {
  if (commandOf(args) === 'agent') setFlagsFromString('--semi-space-growth-factor=1');
}
