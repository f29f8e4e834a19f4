// LIST with Kubernetes' resourceVersion semantics (unset: most recent; "0": any; N with
// NotOlderThan: at least N; N with Exact: at N), paging (limit/continue) and selectors.
import { ApiError } from '../../api/errors.js';
import type { ApiObject } from '../../api/types.js';
import { encodeContinue } from '../../store/continueToken.js';
import { isStoreError } from '../../store/errors.js';
import type { ListResult, Store } from '../../store/types.js';
import { fromStoreError, tooLargeResourceVersion } from '../errors.js';
import type { ListQuery } from '../query.js';
import type { ServedResource } from '../resources.js';
import type { Storage } from './context.js';

/** How long a request for a future resourceVersion waits for the store to catch up. */
const FUTURE_REVISION_WAIT_MS = 3000;
/** Page size while filtering by selectors, so a selective query does not creep along. */
const FILTER_PAGE = 500;

export interface ListedObjects {
  items: ApiObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** Resolves once the store's revision reaches `revision`; a 504 after a few seconds. */
export async function waitForRevision(store: Store, revision: number): Promise<number> {
  const deadline = Date.now() + FUTURE_REVISION_WAIT_MS;
  for (;;) {
    const current = await store.currentRevision();
    if (current >= revision) return current;
    if (Date.now() > deadline) throw tooLargeResourceVersion(revision, current);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function listError(err: unknown, continuing: boolean): unknown {
  if (!isStoreError(err)) return err;
  if (err.code === 'Compacted' && continuing) {
    return ApiError.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
  }
  return fromStoreError(err);
}

export async function listObjects(storage: Storage, res: ServedResource, namespace: string | undefined, query: ListQuery): Promise<ListedObjects> {
  const { store } = storage;
  let revision: number | undefined;
  if (!query.continue && query.resourceVersion !== undefined && query.resourceVersion !== '0') {
    const rv = Number(query.resourceVersion);
    if (query.resourceVersionMatch === 'Exact') revision = rv;
    else await waitForRevision(store, rv);
  }
  const prefix = res.prefix(namespace);
  try {
    if (!query.filter) {
      const page = await store.list(prefix, { revision, limit: query.limit, continue: query.continue });
      return fromPage(page);
    }
    return await filtered(store, res, prefix, query, revision);
  } catch (err) {
    throw listError(err, query.continue !== undefined);
  }
}

function fromPage(page: ListResult<unknown>): ListedObjects {
  const listed: ListedObjects = { items: page.items as ApiObject[], resourceVersion: String(page.revision) };
  if (page.continue) {
    listed.continue = page.continue;
    if (page.remainingItemCount !== undefined) listed.remainingItemCount = page.remainingItemCount;
  }
  return listed;
}

/**
 * Pages through the store until `limit` objects match. A page that ends mid-way gets a continue
 * token at the last object returned; the remaining count is unknown, so it is left out.
 */
async function filtered(store: Store, res: ServedResource, prefix: string, query: ListQuery, revision?: number): Promise<ListedObjects> {
  const keep = query.filter!;
  const items: ApiObject[] = [];
  let cont = query.continue;
  for (;;) {
    const page = await store.list(prefix, { revision: cont ? undefined : revision, limit: query.limit ? Math.max(query.limit, FILTER_PAGE) : 0, continue: cont });
    const objects = page.items as ApiObject[];
    for (let i = 0; i < objects.length; i++) {
      const obj = objects[i]!;
      if (!keep(obj)) continue;
      items.push(obj);
      if (query.limit && items.length === query.limit) {
        const more = i < objects.length - 1 || page.continue !== undefined;
        const listed: ListedObjects = { items, resourceVersion: String(page.revision) };
        if (more) listed.continue = encodeContinue(page.revision, res.key(obj.metadata.namespace, obj.metadata.name!));
        return listed;
      }
    }
    if (!page.continue) return { items, resourceVersion: String(page.revision) };
    cont = page.continue;
    revision = page.revision;
  }
}
