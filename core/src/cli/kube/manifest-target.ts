// Where a manifest's object goes: its resource (from apiVersion and kind, through discovery)
// and its namespace (the object's, else -n, else the context's), with kubectl's check that an
// object's namespace and -n agree.
import type { Manifest } from '../../api/manifests.js';
import type { ApiObject } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import type { ApiResource } from '../../client/discovery.js';
import { CliError } from './connect.js';

export interface ManifestTarget {
  manifest: Manifest;
  resource: ApiResource;
  /** undefined for cluster-scoped kinds. */
  namespace?: string;
  name: string;
  /** The object to send, its namespace filled in. */
  object: ApiObject;
}

export async function manifestTarget(client: ApiClient, manifest: Manifest, flagNamespace: string | undefined): Promise<ManifestTarget> {
  const resource = await client.resourceFor(manifest.object);
  const object: ApiObject = structuredClone(manifest.object);
  object.metadata ??= {};
  const name = object.metadata.name;
  if (!name && !object.metadata.generateName) {
    throw new CliError(`${where(manifest)}: the ${manifest.object.kind} has no metadata.name`);
  }
  let namespace: string | undefined;
  if (resource.namespaced) {
    const own = object.metadata.namespace;
    if (own && flagNamespace && own !== flagNamespace) {
      throw new CliError(
        `the namespace from the provided object "${own}" does not match the namespace "${flagNamespace}". You must pass '--namespace=${own}' to perform this operation.`,
      );
    }
    namespace = own || flagNamespace || client.namespace;
    object.metadata.namespace = namespace;
  }
  return { manifest, resource, namespace, name: name ?? '', object };
}

/** `app.yaml: document 2, line 14` */
export function where(m: Pick<Manifest, 'source' | 'document' | 'line'>): string {
  return `${m.source}: document ${m.document}, line ${m.line}`;
}
