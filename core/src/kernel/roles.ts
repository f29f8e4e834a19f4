/**
 * What a process runs: `server` (API server, controllers, scheduler), `agent` (node agent and
 * service proxy) or `all` of them (`corral up`). A file of its own so the CLI can name the roles
 * without loading the kernel.
 */
export type Role = 'server' | 'agent' | 'all';
export const ROLES: readonly Role[] = ['server', 'agent', 'all'];
