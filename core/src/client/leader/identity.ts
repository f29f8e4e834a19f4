import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** hostname_pid_random: unique per process, and says where the holder runs. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(3).toString('hex')}`;
}
