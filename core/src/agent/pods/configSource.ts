import { ApiError } from '../../api/errors.js';
import type { ConfigMap, Secret } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ConfigSource } from './env.js';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const SECRETS = { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' };

/** ConfigMaps and Secrets read from the API when a container starts, each once per sync. */
export function apiConfigSource(client: ApiClient): ConfigSource {
  const memo = new Map<string, Promise<unknown>>();
  const get = <T>(ref: typeof CONFIGMAPS, namespace: string, name: string): Promise<T | undefined> => {
    const key = `${ref.plural}/${namespace}/${name}`;
    let found = memo.get(key) as Promise<T | undefined> | undefined;
    if (!found) {
      found = client.get(ref, name, { namespace }).then(
        (obj) => obj as T,
        (err: unknown) => {
          if (err instanceof ApiError && err.code === 404) return undefined;
          throw err;
        },
      );
      memo.set(key, found);
    }
    return found;
  };
  return {
    configMap: (namespace, name) => get<ConfigMap>(CONFIGMAPS, namespace, name),
    secret: (namespace, name) => get<Secret>(SECRETS, namespace, name),
  };
}
