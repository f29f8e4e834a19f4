// /version, and the health endpoints as Kubernetes shapes them: /livez (the process answers),
// /readyz and /healthz (it can serve: the store answers and it is not shutting down).
import { readFileSync } from 'node:fs';
import type Router from '@koa/router';
import type { Store } from '../../store/types.js';
import type { ServerContext, ServerState } from '../types.js';

/** The Kubernetes version whose API this server speaks; kubectl checks the skew against it. */
const KUBERNETES_VERSION = { major: '1', minor: '32', patch: '0' };
const STORE_CHECK_TIMEOUT_MS = 2000;

function corralVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function platform(): string {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' };
  return `${process.platform}/${arch[process.arch] ?? process.arch}`;
}

export function versionInfo(): Record<string, string> {
  const { major, minor, patch } = KUBERNETES_VERSION;
  return {
    major,
    minor,
    gitVersion: `v${major}.${minor}.${patch}+corral.${corralVersion()}`,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    goVersion: `node${process.versions.node}`,
    compiler: 'corral',
    platform: platform(),
  };
}

type Check = [name: string, run: () => Promise<void>];

async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function runChecks(ctx: ServerContext, endpoint: string, checks: Check[]): Promise<void> {
  const results = await Promise.all(
    checks.map(async ([name, run]): Promise<[string, string | undefined]> => {
      try {
        await run();
        return [name, undefined];
      } catch (err) {
        return [name, (err as Error).message];
      }
    }),
  );
  const failed = results.filter(([, error]) => error !== undefined);
  const verbose = ctx.query.verbose !== undefined;
  ctx.type = 'text/plain';
  ctx.set('Cache-Control', 'no-cache, private');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.status = failed.length > 0 ? 500 : 200;
  if (failed.length === 0 && !verbose) {
    ctx.body = 'ok';
    return;
  }
  const lines = results.map(([name, error]) => (error === undefined ? `[+]${name} ok` : `[-]${name} failed: ${error}`));
  lines.push(failed.length > 0 ? `${endpoint} check failed` : `${endpoint} check passed`);
  ctx.body = `${lines.join('\n')}\n`;
}

export interface HealthState {
  readonly store: Store;
  /** True once the server stops taking new work. */
  shuttingDown(): boolean;
}

export function mountHealth(router: Router<ServerState>, state: HealthState): void {
  const ping: Check = ['ping', async () => undefined];
  const store: Check = ['store', () => withTimeout(state.store.currentRevision(), STORE_CHECK_TIMEOUT_MS)];
  const shutdown: Check = [
    'shutdown',
    async () => {
      if (state.shuttingDown()) throw new Error('the server is shutting down');
    },
  ];
  const version = JSON.stringify(versionInfo());
  router.get('/version', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = version;
  });
  router.get('/livez', (ctx) => runChecks(ctx, 'livez', [ping]));
  router.get('/readyz', (ctx) => runChecks(ctx, 'readyz', [ping, store, shutdown]));
  router.get('/healthz', (ctx) => runChecks(ctx, 'healthz', [ping, store]));
}
