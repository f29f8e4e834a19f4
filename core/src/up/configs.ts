// The config files `corral up --nodes` hands its server and its agents: the user's config (or
// none) with what a multi-node cluster on the underlay needs on top of it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

interface PluginEntry {
  name: string;
  options?: Record<string, unknown>;
  enabled?: boolean;
}

interface ConfigDoc {
  plugins?: PluginEntry[];
  agent?: { network?: Record<string, unknown> } & Record<string, unknown>;
  [key: string]: unknown;
}

const DNS = '@corral/plugin-dns';

async function readUserConfig(file: string | undefined): Promise<ConfigDoc> {
  if (!file) return { apiVersion: 'corral.dev/v1alpha1', kind: 'CorralConfig' };
  const doc = (parse(await readFile(file, 'utf8')) ?? {}) as ConfigDoc;
  // Plugins named by a path are found relative to the user's file, not to the copy.
  const base = dirname(resolve(file));
  doc.plugins = (doc.plugins ?? []).map((p) => (p.name.startsWith('.') && !isAbsolute(p.name) ? { ...p, name: join(base, p.name) } : p));
  return doc;
}

/**
 * The server's: the cluster DNS answers on the underlay address (pods on every node reach it
 * there, through the kube-dns Service), unless the user's config placed it already.
 */
function serverConfig(user: ConfigDoc, serverIP: string): ConfigDoc {
  const plugins = [...(user.plugins ?? [])];
  const at = plugins.findIndex((p) => p.name === DNS);
  const current = at === -1 ? undefined : plugins[at]!;
  if (current?.enabled === false) return user;
  const options = { ...current?.options };
  if (options.advertiseAddress === undefined && options.listen === undefined) options.advertiseAddress = serverIP;
  const entry = { ...current, name: DNS, options };
  if (at === -1) plugins.push(entry);
  else plugins[at] = entry;
  return { ...user, plugins };
}

/** The agents': the overlay pod network between the nodes, whatever the single-node default is. */
function agentConfig(user: ConfigDoc): ConfigDoc {
  return { ...user, agent: { ...user.agent, network: { ...user.agent?.network, pods: 'overlay' } } };
}

export interface UpConfigFiles {
  server: string;
  agent: string;
}

/** Writes both files into `dir` (JSON, which the config loader reads as YAML). */
export async function writeUpConfigs(userFile: string | undefined, serverIP: string, dir: string): Promise<UpConfigFiles> {
  const user = await readUserConfig(userFile);
  await mkdir(dir, { recursive: true });
  const files = { server: join(dir, 'server-config.json'), agent: join(dir, 'agent-config.json') };
  await writeFile(files.server, JSON.stringify(serverConfig(user, serverIP), null, 2) + '\n');
  await writeFile(files.agent, JSON.stringify(agentConfig(user), null, 2) + '\n');
  return files;
}
