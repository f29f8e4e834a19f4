// Kubeconfig files, read and written as kubectl does, so one file serves kubectl and corral.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

export interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
}

export interface KubeconfigContext {
  cluster: string;
  user?: string;
  namespace?: string;
}

/** The file's shape (`kind: Config`); named entries as kubectl writes them. */
export interface Kubeconfig {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: KubeconfigCluster }[];
  users: { name: string; user: KubeconfigUser }[];
  contexts: { name: string; context: KubeconfigContext }[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

/** Everything a client needs to reach and authenticate to one API server. */
export interface ClientConfig {
  server: string;
  /** The namespace commands use when none is given: the context's, else `default`. */
  namespace: string;
  contextName?: string;
  clusterName?: string;
  userName?: string;
  /** PEM bytes of the CA that signs the server's certificate. */
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  tlsServerName?: string;
  token?: string;
  /** PEM bytes of the client certificate and its key. */
  clientCert?: Buffer;
  clientKey?: Buffer;
  username?: string;
  password?: string;
  /** The kubeconfig files read, in precedence order (none when `server` was given alone). */
  files: string[];
}

export interface LoadKubeconfigOptions {
  /** `--kubeconfig`: only this file, which must exist. */
  path?: string;
  /** Where `$KUBECONFIG` and `$HOME` come from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--context`: use this context instead of the current one. */
  context?: string;
  /** `--server`: overrides the cluster's server; with no kubeconfig at all, it is enough. */
  server?: string;
  /** `-n`: overrides the context's namespace. */
  namespace?: string;
}

/** A kubeconfig problem a person can act on: which file, what is wrong. */
export class KubeconfigError extends Error {
  override readonly name = 'KubeconfigError';
}

/** The file `corral up` writes. */
export function corralKubeconfigPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return join(homeOf(env), '.corral', 'kubeconfig');
}

function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  return env.HOME || homedir();
}

/**
 * The files to read, most important first: `--kubeconfig`; else every existing file of
 * `$KUBECONFIG`; else `~/.corral/kubeconfig` if it exists; else `~/.kube/config` if it exists.
 */
export function kubeconfigFiles(path: string | undefined, env: Readonly<Record<string, string | undefined>>): string[] {
  if (path) {
    if (!existsSync(path)) throw new KubeconfigError(`the kubeconfig file ${path} does not exist`);
    return [resolve(path)];
  }
  if (env.KUBECONFIG) {
    const seen = new Set<string>();
    for (const entry of env.KUBECONFIG.split(delimiter)) {
      if (entry && existsSync(entry)) seen.add(resolve(entry));
    }
    return [...seen];
  }
  return [corralKubeconfigPath(env), join(homeOf(env), '.kube', 'config')].filter((f) => existsSync(f)).slice(0, 1);
}

/** Reads one file; relative paths inside it are made absolute against its folder, as kubectl does. */
export function readKubeconfig(file: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KubeconfigError(`cannot read the kubeconfig file ${file}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`${file}: a kubeconfig must be a mapping (kind: Config)`);
  const raw = doc as Record<string, unknown>;
  const config = emptyKubeconfig();
  const base = dirname(file);
  const abs = (p: string | undefined): string | undefined => (p && !isAbsolute(p) ? join(base, p) : p);
  for (const entry of named(raw.clusters, 'cluster', file)) {
    const c = { ...(entry.cluster as KubeconfigCluster) };
    if (c['certificate-authority']) c['certificate-authority'] = abs(c['certificate-authority']);
    config.clusters.push({ name: entry.name, cluster: c });
  }
  for (const entry of named(raw.users, 'user', file)) {
    const u = { ...(entry.user as KubeconfigUser) };
    for (const key of ['client-certificate', 'client-key', 'tokenFile'] as const) if (u[key]) u[key] = abs(u[key]);
    config.users.push({ name: entry.name, user: u });
  }
  for (const entry of named(raw.contexts, 'context', file)) config.contexts.push({ name: entry.name, context: entry.context as KubeconfigContext });
  if (typeof raw['current-context'] === 'string' && raw['current-context']) config['current-context'] = raw['current-context'];
  if (raw.preferences && typeof raw.preferences === 'object') config.preferences = raw.preferences as Record<string, unknown>;
  return config;
}

function named(list: unknown, field: string, file: string): ({ name: string } & Record<string, unknown>)[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeconfigError(`${file}: ${field}s must be a list`);
  return list.map((item, i) => {
    if (!item || typeof item !== 'object' || typeof item.name !== 'string') {
      throw new KubeconfigError(`${file}: ${field}s[${i}] needs a name`);
    }
    return { ...item, [field]: item[field] ?? {} };
  });
}

function emptyKubeconfig(): Kubeconfig {
  return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
}

/** Merges files as kubectl does with `$KUBECONFIG`: the first file to name an entry or set a value wins. */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const merged = emptyKubeconfig();
  for (const config of configs) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      const into = merged[key] as { name: string }[];
      for (const entry of config[key]) if (!into.some((e) => e.name === entry.name)) into.push(entry);
    }
    merged['current-context'] ??= config['current-context'];
    if (config.preferences) merged.preferences = { ...config.preferences, ...merged.preferences };
  }
  if (merged['current-context'] === undefined) delete merged['current-context'];
  return merged;
}

/** Loads the kubeconfig files as kubectl would and resolves the context to use. */
export function loadKubeconfig(options: LoadKubeconfigOptions = {}): ClientConfig {
  const env = options.env ?? process.env;
  const files = kubeconfigFiles(options.path, env);
  const config = mergeKubeconfigs(files.map(readKubeconfig));
  return resolveClientConfig(config, { ...options, files });
}

/** Picks context, cluster and user out of a (merged) kubeconfig and reads the files they name. */
export function resolveClientConfig(
  config: Kubeconfig,
  options: Pick<LoadKubeconfigOptions, 'context' | 'server' | 'namespace'> & { files?: string[] } = {},
): ClientConfig {
  const files = options.files ?? [];
  const where = files.length > 0 ? files.join(', ') : 'the kubeconfig';
  const contextName = options.context ?? config['current-context'];
  let context: KubeconfigContext | undefined;
  if (contextName !== undefined) {
    context = config.contexts.find((c) => c.name === contextName)?.context;
    if (!context && (options.context !== undefined || !options.server)) {
      throw new KubeconfigError(`context "${contextName}" does not exist in ${where}`);
    }
  }
  const cluster = context ? config.clusters.find((c) => c.name === context.cluster)?.cluster : undefined;
  if (context && !cluster && !options.server) throw new KubeconfigError(`cluster "${context.cluster}" of context "${contextName}" does not exist in ${where}`);
  const user = context?.user ? (config.users.find((u) => u.name === context.user)?.user ?? {}) : {};
  const server = options.server ?? cluster?.server;
  if (!server) {
    throw new KubeconfigError(
      files.length === 0
        ? 'no kubeconfig found and no --server given: start a cluster with "corral up", or pass --kubeconfig FILE or --server URL'
        : `no server to talk to: ${context ? `cluster "${context.cluster}" has no server` : 'no current context'} in ${where}`,
    );
  }
  const out: ClientConfig = {
    server: server.replace(/\/+$/, ''),
    namespace: options.namespace || context?.namespace || 'default',
    insecureSkipTlsVerify: cluster?.['insecure-skip-tls-verify'] === true,
    files,
  };
  if (context) {
    out.contextName = contextName;
    out.clusterName = context.cluster;
    if (context.user) out.userName = context.user;
  }
  const ca = pem(cluster?.['certificate-authority-data'], cluster?.['certificate-authority']);
  if (ca) out.ca = ca;
  if (cluster?.['tls-server-name']) out.tlsServerName = cluster['tls-server-name'];
  const cert = pem(user['client-certificate-data'], user['client-certificate']);
  const key = pem(user['client-key-data'], user['client-key']);
  if (cert) out.clientCert = cert;
  if (key) out.clientKey = key;
  if (user.token) out.token = user.token;
  else if (user.tokenFile) out.token = readOrFail(user.tokenFile).toString('utf8').trim();
  if (user.username !== undefined) out.username = user.username;
  if (user.password !== undefined) out.password = user.password;
  return out;
}

/** `*-data` fields are base64 of the PEM; file fields name a PEM file. */
function pem(data: string | undefined, file: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (file) return readOrFail(file);
  return undefined;
}

function readOrFail(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new KubeconfigError(`cannot read ${file}, named in the kubeconfig: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export interface WriteKubeconfigOptions {
  server: string;
  /** The CA's PEM text, or already base64 of it (as the file stores it). */
  certificateAuthorityData?: string;
  namespace?: string;
  /** The name of the context, cluster and user entries; default `corral`. */
  contextName?: string;
  token?: string;
  /** Client certificate and key, PEM or base64 of PEM. */
  clientCertificateData?: string;
  clientKeyData?: string;
  insecureSkipTlsVerify?: boolean;
}

/**
 * Writes (or updates) a kubeconfig at `path` with one cluster, user and context named
 * `contextName`, made current. Other entries of an existing file are kept, as `kind` and
 * `minikube` do. The file is written atomically with mode 0600; missing folders are created.
 */
export function writeKubeconfig(path: string, options: WriteKubeconfigOptions): Kubeconfig {
  const name = options.contextName ?? 'corral';
  const config = existsSync(path) ? readKubeconfigForUpdate(path) : emptyKubeconfig();
  const cluster: KubeconfigCluster = { server: options.server };
  if (options.certificateAuthorityData) cluster['certificate-authority-data'] = asBase64(options.certificateAuthorityData);
  if (options.insecureSkipTlsVerify) cluster['insecure-skip-tls-verify'] = true;
  const user: KubeconfigUser = {};
  if (options.token) user.token = options.token;
  if (options.clientCertificateData) user['client-certificate-data'] = asBase64(options.clientCertificateData);
  if (options.clientKeyData) user['client-key-data'] = asBase64(options.clientKeyData);
  const context: KubeconfigContext = { cluster: name, user: name };
  if (options.namespace) context.namespace = options.namespace;
  upsert(config.clusters, { name, cluster });
  upsert(config.users, { name, user });
  upsert(config.contexts, { name, context });
  config['current-context'] = name;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify({ ...config, preferences: config.preferences ?? {} }), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
  return config;
}

/** Reads a file to update without making its relative paths absolute (they stay as the user wrote them). */
function readKubeconfigForUpdate(path: string): Kubeconfig {
  const doc = parse(readFileSync(path, 'utf8')) as Partial<Kubeconfig> | null;
  if (!doc || typeof doc !== 'object') return emptyKubeconfig();
  return {
    ...doc,
    apiVersion: 'v1',
    kind: 'Config',
    clusters: Array.isArray(doc.clusters) ? doc.clusters : [],
    users: Array.isArray(doc.users) ? doc.users : [],
    contexts: Array.isArray(doc.contexts) ? doc.contexts : [],
  };
}

function upsert<T extends { name: string }>(list: T[], entry: T): void {
  const at = list.findIndex((e) => e.name === entry.name);
  if (at < 0) list.push(entry);
  else list[at] = entry;
}

function asBase64(value: string): string {
  return value.includes('-----BEGIN') ? Buffer.from(value, 'utf8').toString('base64') : value;
}
