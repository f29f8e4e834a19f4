import type { ServerLogger } from './types.js';

function line(level: string, message: string, fields?: Record<string, unknown>): string {
  const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  return `${new Date().toISOString()} ${level} ${message}${extra}`;
}

/** Errors and warnings to stderr; info is dropped (the CLI prints what a user needs). */
export const consoleLogger: ServerLogger = {
  error: (message, fields) => console.error(line('error', message, fields)),
  warn: (message, fields) => console.error(line('warn', message, fields)),
  info: () => undefined,
};

export const silentLogger: ServerLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
};
