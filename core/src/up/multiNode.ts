// The flow of `corral up --nodes N`, from the checks to the teardown on Ctrl-C.
import { dirname, join, resolve } from 'node:path';
import type { ApiClient } from '../client/ApiClient.js';
import { startServerProcess, type ServerArgs, type ServerProcess } from '../cli/commands/server.js';
import { untilSignal } from '../cli/signals.js';
import type { CliContext } from '../cli/context.js';
import { ConfigError } from '../kernel/ConfigError.js';
import { DEFAULT_LISTEN, parseListen } from '../server/listen.js';
import { writeUserKubeconfig } from './announce.js';
import { adminClient, routeToNodes, startNodeAgents, type NodeAgents } from './cluster.js';
import { writeUpConfigs } from './configs.js';
import { loadConfig, upDataDir } from './dataDir.js';
import { checkDataDirVersion, DataDirVersionError, markDataDirVersion } from './dataDirVersion.js';
import { clusterNames, DEFAULT_UNDERLAY, type ClusterNames } from './names.js';
import { AlreadyRunningError, claimPidFile } from './pidFile.js';
import { isRoot, nodesNeedRoot } from './privileges.js';
import { cleanLeftovers, ensureBridge, ensureNode, overlappingRoute, removeTopology } from './underlay.js';

export interface UpNodesArgs extends ServerArgs {
  nodes: number;
  underlay?: string;
  runtime?: string;
  'node-name'?: string;
  'keep-pods'?: boolean;
  kubeconfig: string;
}

function fail(ctx: CliContext, message: string): void {
  ctx.stderr.write(`corral: ${message}\n`);
  ctx.exitCode = 1;
}

export async function upNodes(ctx: CliContext, argv: UpNodesArgs): Promise<void> {
  if (!isRoot()) return fail(ctx, nodesNeedRoot());
  if (!Number.isInteger(argv.nodes) || argv.nodes < 2) return fail(ctx, `--nodes ${argv.nodes}: give a whole number of 2 or more (\`corral up\` alone runs one node)`);
  if (argv['etcd-endpoints']) return fail(ctx, 'corral up runs on the embedded store; use `corral server --etcd-endpoints` and `corral agent` for etcd');
  const loaded = await loadConfig(argv.config);
  const dataDir = upDataDir(argv, loaded) ?? resolve('.corral/data');
  try {
    checkDataDirVersion(dataDir);
  } catch (err) {
    if (err instanceof DataDirVersionError) return fail(ctx, err.message);
    throw err;
  }
  let names: ClusterNames;
  let port: number;
  try {
    names = clusterNames(dataDir, argv.underlay ?? DEFAULT_UNDERLAY, argv.nodes, argv['node-name'] ?? 'node');
    port = parseListen(argv.listen ?? loaded.config.server.listen ?? DEFAULT_LISTEN).port;
  } catch (err) {
    return fail(ctx, (err as Error).message);
  }
  const stateDir = join(dirname(dataDir), 'nodes');

  let release: () => void;
  try {
    release = claimPidFile(stateDir, dataDir);
  } catch (err) {
    if (err instanceof AlreadyRunningError) return fail(ctx, err.message);
    throw err;
  }
  try {
    await runCluster(ctx, argv, { names, port, dataDir, stateDir });
  } finally {
    release();
  }
}

interface Plan {
  names: ClusterNames;
  port: number;
  dataDir: string;
  stateDir: string;
}

async function runCluster(ctx: CliContext, argv: UpNodesArgs, { names, port, dataDir, stateDir }: Plan): Promise<void> {
  const keepPods = argv['keep-pods'] ?? false;
  const say = (line: string): void => void ctx.stdout.write(`${line}\n`);
  for (const line of await cleanLeftovers(names)) say(`Leftover of an earlier run: ${line}.`);
  const underlay = argv.underlay ?? DEFAULT_UNDERLAY;
  const clash = await overlappingRoute(names, underlay);
  if (clash) return fail(ctx, `the underlay ${underlay} overlaps a network this machine routes (${clash}); choose a free subnet with --underlay`);
  try {
    await ensureBridge(names);
    for (const node of names.nodes) await ensureNode(names, node);
  } catch (err) {
    await removeTopology(names);
    return fail(ctx, `setting up the underlay ${names.bridge} (${underlay}) failed: ${(err as Error).message}`);
  }
  say(`Underlay ${names.bridge} ready: the server at ${names.serverIP}, ${names.nodes.length} node namespaces.`);
  let files: Awaited<ReturnType<typeof writeUpConfigs>>;
  let server: ServerProcess | undefined;
  try {
    files = await writeUpConfigs(argv.config, names.serverIP, stateDir);
    server = await startServerProcess(ctx, { ...argv, config: files.server, 'data-dir': dataDir, listen: `${names.serverIP}:${port}` }, 'server');
  } catch (err) {
    // A bad config, say: nothing of this run stays behind.
    await removeTopology(names);
    if (!(err instanceof ConfigError)) throw err;
    const source = argv.config ? resolve(argv.config) : 'the built-in defaults';
    ctx.stderr.write(`${err.message}\n(${join(stateDir, 'server-config.json')} is ${source} with what --nodes adds: fix it there.)\n`);
    ctx.exitCode = 1;
    return;
  }
  if (!server) {
    await removeTopology(names);
    ctx.exitCode = 1;
    return;
  }
  say(`API server at ${server.api.url}; starting ${names.nodes.length} agents (their logs: ${stateDir}/<node>.log).`);
  const agents = await startNodeAgents({ names, server, stateDir, agentConfig: files.agent, ...(argv.runtime ? { runtime: argv.runtime } : {}), keepPods, say });
  const client = adminClient(server);
  let subnets: Map<string, string>;
  try {
    subnets = await routeToNodes(client, names, agents.agents, server.corral.config.server.serviceCIDR);
  } catch (err) {
    await stopAll(agents, client, server);
    await removeTopology(names);
    return fail(ctx, (err as Error).message);
  }
  markDataDirVersion(dataDir);
  writeUserKubeconfig(server, argv.kubeconfig);
  say(
    [
      `Corral is up with ${argv.nodes} nodes: the API at ${server.api.url} (on the underlay bridge ${names.bridge}, ${names.serverIP}/${names.prefix}), ${server.storeDescription}.`,
      ...agents.agents.map((a) => `  node "${a.node.name}": namespace ${a.node.netns}, address ${a.node.ip}, pods ${subnets.get(a.node.name)}, agent pid ${a.pid}, log ${a.logFile}`),
      `Routes from this machine: each node's pod subnet to the node${server.corral.config.server.serviceCIDR ? `, the service range ${server.corral.config.server.serviceCIDR} to "${names.nodes[0]!.name}"` : ''}.`,
      `Kubeconfig written to ${argv.kubeconfig}. To use it:`,
      `  export KUBECONFIG=${argv.kubeconfig}`,
      '  kubectl get nodes -o wide',
      'Ctrl-C stops.',
      '',
    ].join('\n'),
  );
  await untilSignal();
  say(keepPods ? 'Stopping the agents and the server (pods keep running).' : 'Stopping, pods too.');
  await stopAll(agents, client, server);
  if (keepPods) {
    say(`The underlay ${names.bridge} and the nodes' namespaces stay for the pods; the next \`corral up --nodes ${argv.nodes}\` on ${dataDir} takes them over.`);
  } else {
    await removeTopology(names);
    say(`Removed the underlay ${names.bridge}, the nodes' namespaces and the routes.`);
  }
}

async function stopAll(agents: NodeAgents, client: ApiClient, server: ServerProcess): Promise<void> {
  await agents.stop();
  client.close();
  await server.stop();
}
