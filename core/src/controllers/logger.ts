// Where the control plane's components (controllers, scheduler, leader election) report what
// went wrong. A ServerLogger fits.
export interface ControlPlaneLogger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
}

export const stderrLogger: ControlPlaneLogger = {
  error: (message) => process.stderr.write(`corral: ${message}\n`),
  warn: (message) => process.stderr.write(`corral: ${message}\n`),
  info: () => undefined,
};

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
