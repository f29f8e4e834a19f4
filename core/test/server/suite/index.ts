// The server suite: every verb, subresource and error code through HTTP, registered once per
// store backend (embedded.test.ts, etcd.test.ts).
import type { TestFn } from 'ava';
import { fileURLToPath } from 'node:url';
import type { TestApiServerOptions } from '../../../src/testing/index.js';
import { useServer } from '../helpers.js';
import { crudTests } from './crud.js';
import { deleteTests } from './delete.js';
import { discoveryTests } from './discovery.js';
import { errorTests } from './errors.js';
import { listTests } from './list.js';
import { namespaceTests } from './namespaces.js';
import { subresourceTests } from './subresources.js';
import { watchTests } from './watch.js';

/** The suite's config: the defaults plus a test admission plugin (test/server/fixtures). */
const CONFIG = fileURLToPath(new URL('../../../../test/server/fixtures/corral.yaml', import.meta.url));

export function serverSuite(test: TestFn, backend: TestApiServerOptions['backend']): void {
  const fx = useServer(test, { backend, configFile: CONFIG, server: { bookmarkIntervalMs: 300, namespaceRetryMaxMs: 500 } });
  crudTests(test, fx);
  deleteTests(test, fx);
  listTests(test, fx);
  watchTests(test, fx);
  subresourceTests(test, fx);
  errorTests(test, fx);
  namespaceTests(test, fx);
  discoveryTests(test, fx);
}
