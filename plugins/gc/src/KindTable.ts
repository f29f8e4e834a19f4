// The kinds the garbage collector looks after, found by what an ownerReference names: the
// group of its apiVersion and its kind (any version of a kind is the same object).
import { apiVersionOf, parseApiVersion, type OwnerReference, type ResourceDefinition } from '@corral/core/api';
import type { KindRef } from '@corral/core/kernel';

export interface GcKind {
  readonly def: ResourceDefinition;
  readonly ref: KindRef;
  /** `pods`, `replicasets.apps`: names its controller. */
  readonly resource: string;
}

export class KindTable {
  private readonly byGroupKind = new Map<string, GcKind>();

  constructor(definitions: readonly ResourceDefinition[]) {
    for (const def of definitions) {
      const kind: GcKind = {
        def,
        ref: { apiVersion: apiVersionOf(def), kind: def.kind },
        resource: def.group ? `${def.plural}.${def.group}` : def.plural,
      };
      this.byGroupKind.set(`${def.group}/${def.kind}`, kind);
    }
  }

  get all(): GcKind[] {
    return [...this.byGroupKind.values()];
  }

  /** The kind an owner reference names, if the collector looks after it. */
  forOwner(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>): GcKind | undefined {
    return this.byGroupKind.get(`${groupOf(ref.apiVersion)}/${ref.kind}`);
  }

  /** Whether `ref` names an object of `kind`. */
  static names(ref: Pick<OwnerReference, 'apiVersion' | 'kind'>, kind: GcKind): boolean {
    return ref.kind === kind.def.kind && groupOf(ref.apiVersion) === kind.def.group;
  }
}

function groupOf(apiVersion: string): string {
  return parseApiVersion(apiVersion).group;
}
