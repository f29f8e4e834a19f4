// pods/{name}/log and pods/{name}/exec are served by the agent on the pod's node: the server
// finds the node's agent endpoint (status.daemonEndpoints.kubeletEndpoint.Port and the node's
// address) and relays the request there, upgrades (exec's streams) included. The agent serves
// the kubelet's paths: /containerLogs/{ns}/{pod}/{container} and /exec/{ns}/{pod}/{container}.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types.js';
import type { Handler, ServerCore } from '../core.js';
import { param } from '../query.js';
import { findObject, getObject } from '../storage/context.js';
import type { Target } from '../target.js';
import type { ServerContext } from '../types.js';

/** Set by the server's `upgrade` listener: the bytes that came after the request head. */
export interface UpgradeRequest extends IncomingMessage {
  upgradeHead?: Buffer;
}

interface AgentEndpoint {
  node: string;
  host: string;
  port: number;
  container: string;
}

const ADDRESS_PREFERENCE = ['InternalIP', 'ExternalIP', 'Hostname'];

function pickContainer(pod: Pod, requested: string | undefined): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
  const name = pod.metadata.name!;
  if (requested) {
    if (!containers.includes(requested)) throw ApiError.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const app = (pod.spec?.containers ?? []).map((c) => c.name);
  if (app.length === 1) return app[0]!;
  throw ApiError.badRequest(`a container name must be specified for pod ${name}, choose one of: [${app.join(' ')}]`);
}

async function agentFor(core: ServerCore, target: Target, container: string | undefined): Promise<AgentEndpoint> {
  const pod = (await getObject(core.storage, target.resource, target.namespace, target.name!)) as Pod;
  const name = target.name!;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw ApiError.badRequest(`pod ${name} does not have a node assigned yet (it is not scheduled), so there is no agent to ask`);
  const chosen = pickContainer(pod, container);
  const nodes = core.index.find('', 'Node');
  const node = nodes ? ((await findObject(core.storage, nodes, undefined, nodeName)) as Node | undefined) : undefined;
  if (!node) throw ApiError.serviceUnavailable(`pod ${name} is on node "${nodeName}", which is not registered; is its agent running?`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  const addresses = node.status?.addresses ?? [];
  const address = ADDRESS_PREFERENCE.map((type) => addresses.find((a) => a.type === type)?.address).find(Boolean);
  if (!port || !address) {
    const missing = !port ? 'status.daemonEndpoints.kubeletEndpoint.Port' : 'status.addresses';
    throw ApiError.serviceUnavailable(`node "${nodeName}" of pod ${name} reports no agent endpoint (${missing} is not set); is its agent running?`);
  }
  return { node: nodeName, host: address, port, container: chosen };
}

function agentPath(kind: 'containerLogs' | 'exec', target: Target, agent: AgentEndpoint, search: string): string {
  const parts = [kind, target.namespace!, target.name!, agent.container].map(encodeURIComponent);
  return `/${parts.join('/')}${search}`;
}

function unreachable(agent: AgentEndpoint, err: Error): ApiError {
  const code = (err as NodeJS.ErrnoException).code ?? err.message;
  return ApiError.serviceUnavailable(`cannot reach the agent of node "${agent.node}" at ${agent.host}:${agent.port}: ${code}`);
}

function headLines(status: number, message: string, headers: string[]): string {
  const lines = [`HTTP/1.1 ${status} ${message}`];
  for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Relays the request to the agent; the response (or the upgraded stream) goes back as it comes. */
function relay(ctx: ServerContext, agent: AgentEndpoint, path: string, forwardBody: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const incoming = ctx.req as UpgradeRequest;
    const headers = { ...incoming.headers, host: `${agent.host}:${agent.port}` };
    const upstream = httpRequest({ host: agent.host, port: agent.port, method: ctx.method, path, headers });
    upstream.on('error', (err) => reject(unreachable(agent, err)));
    upstream.on('response', (answer) => {
      ctx.respond = false;
      ctx.res.writeHead(answer.statusCode ?? 502, answer.headers);
      // A follow stream may stay quiet for long: the client should see the response start now.
      ctx.res.flushHeaders();
      answer.pipe(ctx.res);
      // A client that goes away (a followed log) must not keep the agent's stream open.
      ctx.res.once('close', () => upstream.destroy());
      answer.on('end', () => resolve());
      answer.on('error', () => resolve());
      answer.on('close', () => resolve());
    });
    upstream.on('upgrade', (answer, agentSocket: Socket, agentHead: Buffer) => {
      ctx.respond = false;
      const client = incoming.socket;
      client.write(headLines(answer.statusCode ?? 101, answer.statusMessage ?? 'Switching Protocols', answer.rawHeaders));
      if (agentHead.length) client.write(agentHead);
      if (incoming.upgradeHead?.length) agentSocket.write(incoming.upgradeHead);
      agentSocket.pipe(client).pipe(agentSocket);
      const close = (): void => {
        agentSocket.destroy();
        client.destroy();
        resolve();
      };
      // Either side ending ends both (sockets here allow half-open connections).
      for (const event of ['end', 'close', 'error']) {
        agentSocket.once(event, close);
        client.once(event, close);
      }
    });
    if (forwardBody && !incoming.headers.upgrade) incoming.pipe(upstream);
    else upstream.end();
  });
}

function searchWithout(ctx: ServerContext, ...names: string[]): string {
  const params = new URLSearchParams(ctx.querystring);
  for (const name of names) params.delete(name);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const logHandler: Handler = async (core, ctx, target) => {
  const agent = await agentFor(core, target, param(ctx.query, 'container'));
  await relay(ctx, agent, agentPath('containerLogs', target, agent, searchWithout(ctx, 'container')), false);
};

export const execHandler: Handler = async (core, ctx, target) => {
  const agent = await agentFor(core, target, param(ctx.query, 'container'));
  await relay(ctx, agent, agentPath('exec', target, agent, searchWithout(ctx, 'container')), true);
};
