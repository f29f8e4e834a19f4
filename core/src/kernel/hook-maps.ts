import { HookMap } from 'tapable';

// tapable's HookMap keeps its keys private; `corral plugins` and start-up checks need them
// ("which runtimes exist?"), so every HookMap the kernel creates records its keys here.
const keysByMap = new WeakMap<object, Set<string>>();

/** A HookMap (one hook per name) that remembers the names asked for. */
export function namedHooks<H>(name: string, factory: (key: string) => H): HookMap<H> {
  const map = new HookMap<H>(factory, name);
  const keys = new Set<string>();
  keysByMap.set(map, keys);
  map.intercept({
    factory: (key: string, hook: H) => {
      keys.add(key);
      return hook;
    },
  });
  return map;
}

/** The names a `namedHooks` map holds a hook for (tapped or not), sorted. */
export function namedHookKeys(map: object): string[] {
  return [...(keysByMap.get(map) ?? [])].sort();
}
