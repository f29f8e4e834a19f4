// Compiled with the tests, never run: the build fails if the Store types stop taking the API
// layer's shapes (interfaces without index signatures) or plain object literals.
import type { Store, StoredObject } from '../../src/store/index.js';

interface Meta {
  name?: string;
  resourceVersion?: string;
  uid?: string;
  labels?: Record<string, string>;
}
interface ApiLike {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  [field: string]: unknown;
}
interface Strict {
  kind: string;
  metadata: Meta;
}

export function usesStores(a: Store, b: Store<ApiLike>, c: Store<Strict>, obj: ApiLike, strict: Strict): Array<Promise<unknown>> {
  const literal: StoredObject = { metadata: { name: 'x', labels: { a: 'b' } }, spec: {} };
  return [a.create('/k', obj), a.create('/k', literal), b.update('/k', obj), c.create('/k', strict)];
}
