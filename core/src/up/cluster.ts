// `corral up --nodes N`: the server on the underlay address and N agents in namespaces of their
// own, tied together by the overlay pod network; routes let the host reach pods and Services.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Node } from '../api/types.js';
import { ApiClient } from '../client/ApiClient.js';
import { writeKubeconfig } from '../client/kubeconfig.js';
import type { ServerProcess } from '../cli/commands/server.js';
import { startAgentChild, type AgentChild } from './agents.js';
import type { ClusterNames, NodeNames } from './names.js';
import { routeVia } from './underlay.js';

const NODES = { group: '', version: 'v1', plural: 'nodes', namespaced: false, kind: 'Node' } as const;

export interface NodeAgentsOptions {
  names: ClusterNames;
  server: ServerProcess;
  /** Where the nodes' root dirs, logs and kubeconfigs go. */
  stateDir: string;
  agentConfig: string;
  runtime?: string;
  keepPods: boolean;
  say(line: string): void;
}

export interface NodeAgents {
  readonly agents: readonly AgentChild[];
  stop(): Promise<void>;
}

/** A client certificate the server's CA signed (none over HTTP). */
function credentials(server: ServerProcess, user: string, groups: string[]): { certificate?: string; key?: string } {
  const cert = server.api.issueClientCertificate?.(user, groups);
  return cert ? { certificate: cert.certificate, key: cert.key } : {};
}

/** A client of the server for this process, as an admin. */
export function adminClient(server: ServerProcess): ApiClient {
  const { certificate, key } = credentials(server, 'corral-up', ['system:masters']);
  return new ApiClient(
    {
      server: server.api.url,
      namespace: 'default',
      insecureSkipTlsVerify: false,
      files: [],
      ...(server.api.caCertificate ? { ca: Buffer.from(server.api.caCertificate) } : {}),
      ...(certificate && key ? { clientCert: Buffer.from(certificate), clientKey: Buffer.from(key) } : {}),
    },
    { userAgent: 'corral-up' },
  );
}

/** Starts one `corral agent` per node, each with a kubeconfig of its own. */
export async function startNodeAgents(options: NodeAgentsOptions): Promise<NodeAgents> {
  const { names, server, stateDir } = options;
  await mkdir(stateDir, { recursive: true });
  const agents: AgentChild[] = [];
  for (const node of names.nodes) {
    const kubeconfig = join(stateDir, `${node.name}.kubeconfig`);
    const { certificate, key } = credentials(server, `system:node:${node.name}`, ['system:nodes', 'system:masters']);
    writeKubeconfig(kubeconfig, {
      server: server.api.url,
      certificateAuthorityData: server.api.caCertificate,
      clientCertificateData: certificate,
      clientKeyData: key,
      namespace: 'default',
    });
    const agent = startAgentChild({
      node,
      config: options.agentConfig,
      kubeconfig,
      stateDir,
      ...(options.runtime ? { runtime: options.runtime } : {}),
      keepPods: options.keepPods,
      onExit: (code, signal) => {
        void agent.tail(5).then((tail) => options.say(`The agent of node "${node.name}" ended (${signal ?? `exit code ${code}`}); its log ${agent.logFile} ends with:\n${tail}`));
      },
    });
    agents.push(agent);
  }
  return {
    agents,
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}

/**
 * Waits for every node to register and get its pod subnet, then routes each subnet from the
 * host to its node and the service range to the first node (whose proxy answers ClusterIPs).
 * Throws, naming the node and its log, when one does not come within `timeoutMs`.
 */
export async function routeToNodes(client: ApiClient, names: ClusterNames, agents: readonly AgentChild[], serviceCIDR: string | undefined, timeoutMs = 90_000): Promise<Map<string, string>> {
  const subnets = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  for (const [i, node] of names.nodes.entries()) {
    const agent = agents[i]!;
    const podCIDR = await waitForSubnet(client, node, deadline, agent);
    await routeVia(names, podCIDR, node);
    subnets.set(node.name, podCIDR);
  }
  if (serviceCIDR) await routeVia(names, serviceCIDR, names.nodes[0]!);
  return subnets;
}

async function waitForSubnet(client: ApiClient, node: NodeNames, deadline: number, agent: AgentChild): Promise<string> {
  for (;;) {
    const found = await client.get<Node>(NODES, node.name).catch(() => undefined);
    if (found?.spec?.podCIDR) return found.spec.podCIDR;
    if (Date.now() > deadline) {
      const why = found ? 'registered but has no spec.podCIDR (is "@corral/plugin-node-ipam" in the config?)' : 'did not register';
      throw new Error(`node "${node.name}" ${why}; its agent's log ${agent.logFile} ends with:\n${await agent.tail()}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
