// The API server: Kubernetes' REST API for every kind the kernel registers. Resource URLs go
// through a dispatcher of its own; discovery, health and OpenAPI through koa.
export { createApiServer } from './server.js';
export type { ApiServer, ApiServerOptions, RequestInfo, ServerLogger, ServerState } from './types.js';
export { ListenError, DEFAULT_LISTEN, parseListen } from './listen.js';
export { consoleLogger, silentLogger } from './log.js';
export { servingCertificates, servingHosts } from './tls.js';
export type { ServingCertificates } from './tls.js';
export { versionInfo } from './routes/health.js';
export { SYSTEM_NAMESPACES } from './namespaces/lifecycle.js';
export { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, PROTECTED_NAMESPACES } from './storage/delete.js';
export { DEFAULT_MAX_BODY_BYTES } from './body.js';
