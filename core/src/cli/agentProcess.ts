import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Agent } from '../agent/Agent.js';
import { AgentSetupError, defaultAgentRootDir, startAgentFor } from '../agent/fromCorral.js';
import { DEFAULT_TIMING } from '../agent/types.js';
import type { ApiClient } from '../client/ApiClient.js';
import { startComponents, type RunningComponents } from '../components/startComponents.js';
import type { Corral } from '../kernel/Corral.js';
import type { RunningProxy } from '../proxy/ProxyLoop.js';
import { consoleLogger } from '../server/log.js';
import type { AgentFlags, LocalAgentArgs } from './commands/agent.js';
import type { CliContext } from './context.js';
import { loopbackClient } from './loopbackClient.js';
import type { ServerProcess } from './serverProcess.js';

// The node agent's process: the agent, the service proxy and the plugins' agent components.
// Loaded by `corral agent` and `corral up` only when they run.

/** A running agent process: the agent, and the service proxy and agent components when configured. */
export interface AgentProcess {
  agent: Agent;
  /** Stops everything; pods keep running unless `stopPods`. */
  stop(stopPods: boolean): Promise<void>;
}

/**
 * Starts the agent for this node with `client`, then the service proxy (when the config names a
 * services data path) and the plugins' agent components. Problems a person can fix are written
 * to stderr and answer undefined.
 */
export async function startAgentProcess(ctx: CliContext, corral: Corral, client: ApiClient, flags: AgentFlags): Promise<AgentProcess | undefined> {
  const nodeName = flags['node-name'] ?? corral.config.agent.nodeName ?? hostname();
  const rootDir = resolve(flags['root-dir'] ?? defaultAgentRootDir());
  // A flag beats the config (which the kernel has already checked).
  const clusterDNS = flags['cluster-dns']?.split(',').map((s) => s.trim()).filter(Boolean) ?? corral.config.agent.clusterDNS;
  const clusterDomain = flags['cluster-domain'] ?? corral.config.agent.clusterDomain;
  const badDNS = clusterDNS?.find((ip) => isIP(ip) === 0);
  if (badDNS !== undefined) {
    ctx.stderr.write(`corral: --cluster-dns: "${badDNS}" is not an IP address (give addresses separated by commas, e.g. 10.96.0.10)\n`);
    return undefined;
  }
  let agent: Agent;
  try {
    agent = await startAgentFor(corral, {
      client,
      nodeName,
      rootDir,
      runtime: flags.runtime,
      listen: { host: flags.address ?? '0.0.0.0', port: flags.port ?? 10250 },
      ...(flags['node-ip'] ? { nodeIP: flags['node-ip'] } : {}),
      ...(clusterDNS && clusterDNS.length > 0 ? { clusterDNS } : {}),
      ...(clusterDomain ? { clusterDomain } : {}),
      logger: consoleLogger,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof AgentSetupError) ctx.stderr.write(`corral: ${err.message}\n`);
    else if (code === 'EADDRINUSE' || code === 'EACCES') ctx.stderr.write(`corral: the agent cannot listen on ${flags.address ?? '0.0.0.0'}:${flags.port ?? 10250} (${code}); choose another with --port\n`);
    else throw err;
    return undefined;
  }
  let proxy: RunningProxy | undefined;
  let components: RunningComponents | undefined;
  try {
    // "none": no service proxy on this node.
    const services = corral.config.agent.network?.services;
    if (services && services !== 'none') {
      // Loaded only when used: nodes without a service proxy never pay for it.
      const { startProxy } = await import('../proxy/ProxyLoop.js');
      proxy = await startProxy({ corral, client, nodeName, nodeIPs: [agent.nodeIP], onError: (m) => consoleLogger.warn(m) });
    }
    components = await startComponents({ corral, client, kind: 'agent', nodeName, nodeIPs: [agent.nodeIP], dataDir: rootDir });
  } catch (err) {
    await proxy?.stop();
    await agent.stop();
    throw err;
  }
  return {
    agent,
    async stop(stopPods) {
      await components?.stop();
      await proxy?.stop();
      await agent.stop({ stopPods });
    },
  };
}

/**
 * The agent of `corral up`, in the server's process: loopback only, on a free port, talking to
 * the process's own API. Answers undefined when no runtime was asked for and the default one is
 * not offered (a notice says so), false when the agent could not start (stderr says why).
 */
export async function startLocalAgent(ctx: CliContext, server: ServerProcess, argv: LocalAgentArgs): Promise<AgentProcess | undefined | false> {
  const { corral, api } = server;
  const runtime = argv.runtime ?? corral.config.agent.runtime;
  if (runtime === undefined && !corral.hooks.runtimeAdapter.get('process')?.isUsed()) {
    ctx.stdout.write('No node agent: no plugin offers the "process" runtime; add "@corral/runtime-process" to the config\'s plugins, or give --runtime.\n');
    return undefined;
  }
  const client = loopbackClient(api, 'system:node:local', ['system:nodes', 'system:masters'], { timeoutMs: DEFAULT_TIMING.requestTimeoutMs, userAgent: 'corral-agent' });
  const store = corral.config.store;
  const dataDir = argv['data-dir'] ?? corral.config.server.dataDir ?? (store && 'embedded' in store ? store.embedded.dir : '.corral/data');
  const rootDir = argv['root-dir'] ?? join(dirname(resolve(dataDir)), 'agent');
  const running = await startAgentProcess(ctx, corral, client, { ...argv, 'root-dir': rootDir, runtime, port: 0, address: '127.0.0.1', 'node-ip': '127.0.0.1' });
  if (!running) {
    client.close();
    return false;
  }
  ctx.stdout.write(`Node "${running.agent.nodeName}" runs pods with the ${runtime ?? 'process'} runtime.\n`);
  return {
    agent: running.agent,
    async stop(stopPods) {
      await running.stop(stopPods);
      client.close();
    },
  };
}
