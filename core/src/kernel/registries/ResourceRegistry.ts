import { apiVersionOf, type ResourceDefinition } from '../../api/index.js';
import { OwnedRegistry } from './OwnedRegistry.js';

/** The kinds the API serves, filled through `hooks.registerResources`. */
export class ResourceRegistry extends OwnedRegistry<ResourceDefinition> {
  private readonly byKind = new Map<string, ResourceDefinition>();
  private readonly byResource = new Map<string, ResourceDefinition>();

  /** Adds a kind; a second registration of the same kind or plural is refused and reported. */
  add(def: ResourceDefinition): void {
    const apiVersion = apiVersionOf(def);
    const kindKey = `${apiVersion}/${def.kind}`;
    const resourceKey = `${apiVersion}/${def.plural}`;
    const clash = this.byKind.get(kindKey) ?? this.byResource.get(resourceKey);
    if (!this.record(def, `resource ${def.kind} (${resourceKey})`, clash)) return;
    this.byKind.set(kindKey, def);
    this.byResource.set(resourceKey, def);
  }

  list(): ResourceDefinition[] {
    return [...this.byKind.values()];
  }

  forKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** By URL parts: group '' for the core group. */
  forResource(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byResource.get(`${group ? `${group}/` : ''}${version}/${plural}`);
  }

  /** By any name a person types: plural, singular, short name or kind, case-insensitive. */
  find(name: string): ResourceDefinition[] {
    const n = name.toLowerCase();
    return this.list().filter(
      (d) => d.plural === n || d.singular === n || d.kind.toLowerCase() === n || d.shortNames.includes(n),
    );
  }
}
