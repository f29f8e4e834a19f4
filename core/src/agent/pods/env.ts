import { quantityToInt, quantityToMillis, parseQuantity } from '../../api/quantity.js';
import type { ConfigMap, Container, Pod, Quantity, Secret, Service } from '../../api/types.js';

// A container's environment as kubelet builds it: envFrom, then env (valueFrom resolved,
// $(VAR) expanded against what came before), then the service variables of every Service
// with a cluster IP in the pod's namespace (docker-link style), which never override.

/** Thrown for what makes the container's config impossible: the pod waits in CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** Where ConfigMaps and Secrets come from (the API, memoized for one sync). */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  services: readonly Service[];
  /** The node's allocatable, for resourceFieldRef on a container without limits. */
  allocatable: Record<string, Quantity>;
  config: ConfigSource;
}

export type EnvVarValue = { name: string; value: string };

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export async function containerEnv(container: Container, ctx: EnvContext): Promise<EnvVarValue[]> {
  const vars = new Map<string, string>();
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> = {};
    if (from.configMapRef) {
      const cm = await ctx.config.configMap(namespace, from.configMapRef.name);
      if (!cm && !from.configMapRef.optional) throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      data = cm?.data ?? {};
    } else if (from.secretRef) {
      const secret = await ctx.config.secret(namespace, from.secretRef.name);
      if (!secret && !from.secretRef.optional) throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      data = decodeSecret(secret);
    }
    for (const [key, value] of Object.entries(data)) if (ENV_NAME.test(prefix + key)) vars.set(prefix + key, value);
  }
  for (const env of container.env ?? []) {
    const value = env.valueFrom ? await valueFrom(env.name, env.valueFrom, container, ctx, namespace) : expand(env.value ?? '', vars);
    if (value !== undefined) vars.set(env.name, value);
  }
  for (const [name, value] of serviceEnv(ctx.services, namespace, ctx.pod.spec.enableServiceLinks !== false)) {
    if (!vars.has(name)) vars.set(name, value);
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}

/** `$(NAME)` replaced by an earlier variable; `$$` escapes; unknown references stay as written. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([-._a-zA-Z][-._a-zA-Z0-9]*)\)/g, (match, name: string | undefined) => {
    if (match === '$$') return '$';
    return vars.has(name!) ? vars.get(name!)! : match;
  });
}

async function valueFrom(
  name: string,
  from: NonNullable<Container['env']>[number]['valueFrom'] & object,
  container: Container,
  ctx: EnvContext,
  namespace: string,
): Promise<string | undefined> {
  if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const cm = await ctx.config.configMap(namespace, ref.name ?? '');
    const value = cm?.data?.[ref.key];
    if (value === undefined && !ref.optional) {
      throw new ContainerConfigError(cm ? `couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}` : `configmap "${ref.name}" not found`);
    }
    return value;
  }
  if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    const secret = await ctx.config.secret(namespace, ref.name ?? '');
    const value = decodeSecret(secret)[ref.key];
    if (value === undefined && !ref.optional) {
      throw new ContainerConfigError(secret ? `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}` : `secret "${ref.name}" not found`);
    }
    return value;
  }
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, ctx, name);
  if (from.resourceFieldRef) return resourceValue(from.resourceFieldRef, container, ctx);
  return undefined;
}

function fieldValue(path: string, ctx: EnvContext, envName: string): string {
  const { pod } = ctx;
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return (keyed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[keyed[2]!] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    default:
      throw new ContainerConfigError(`env ${envName}: unsupported fieldRef.fieldPath "${path}"`);
  }
}

function resourceValue(ref: { containerName?: string; resource: string; divisor?: Quantity }, container: Container, ctx: EnvContext): string {
  const target = ref.containerName ? ctx.pod.spec.containers.find((c) => c.name === ref.containerName) ?? container : container;
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const own = target.resources?.[kind]?.[resource];
  const value = own ?? (kind === 'limits' ? ctx.allocatable[resource] : undefined) ?? 0;
  const divisor = ref.divisor ?? 1;
  if (resource === 'cpu') return String(Math.ceil(quantityToMillis(value) / Math.max(1, quantityToMillis(divisor))));
  return String(Math.ceil(quantityToInt(value) / Math.max(1, parseQuantity(divisor))));
}

function decodeSecret(secret: Secret | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret?.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret?.stringData ?? {})) out[k] = v;
  return out;
}

/**
 * `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT[_<PORT>]` and the docker-link `<NAME>_PORT...`
 * variables for each Service with a cluster IP: those of the pod's namespace when service links
 * are on, and always the API's own `kubernetes` Service in `default`.
 */
export function serviceEnv(services: readonly Service[], namespace: string, links: boolean): [string, string][] {
  const chosen = services.filter((s) => {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === 'None') return false;
    if (s.metadata.namespace === 'default' && s.metadata.name === 'kubernetes') return true;
    return links && s.metadata.namespace === namespace;
  });
  chosen.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const out: [string, string][] = [];
  for (const s of chosen) {
    const prefix = envName(s.metadata.name ?? '');
    const ip = s.spec.clusterIP!;
    const ports = s.spec.ports ?? [];
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    if (ports[0]) out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    const host = ip.includes(':') ? `[${ip}]` : ip;
    ports.forEach((p, i) => {
      const protocol = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${protocol}://${host}:${p.port}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
      out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
    });
  }
  return out;
}

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}
