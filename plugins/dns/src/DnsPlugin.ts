import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { ComponentContext, CorralPlugin, KindRef, RunningComponent } from '@corral/core/kernel';
import type { Endpoints, Service } from '@corral/core/api';
import Joi from 'joi';
import { DnsServer } from './DnsServer.js';
import { DNS_SERVICE, DnsServiceKeeper } from './publish.js';

export const PLUGIN_NAME = 'DnsPlugin';

export interface DnsPluginOptions {
  /** The cluster domain; default cluster.local. */
  domain: string;
  /** Where to listen, host:port; default the advertised address, port 53. */
  listen?: string;
  /** The address pods reach this server at (the Endpoints of kube-dns); default the host's first non-loopback IPv4. */
  advertiseAddress?: string;
  /** The kube-dns Service's ClusterIP (in the service CIDR); default 10.96.0.10. */
  serviceIP: string;
  /** Create kube-system/kube-dns pointing here; default true. */
  publish: boolean;
  /** Resolvers for other names; default the nameservers of /etc/resolv.conf; [] refuses them. */
  upstreams?: string[];
}

const SERVICE: KindRef = { apiVersion: 'v1', kind: 'Service' };
const ENDPOINTS: KindRef = { apiVersion: 'v1', kind: 'Endpoints' };

function firstAddress(): string {
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

function resolvConfServers(): string[] {
  try {
    return [...readFileSync('/etc/resolv.conf', 'utf8').matchAll(/^nameserver\s+(\S+)/gm)].map((m) => m[1]!);
  } catch {
    return [];
  }
}

async function startDns(options: DnsPluginOptions, ctx: ComponentContext): Promise<RunningComponent> {
  const services = ctx.informers.informer<Service>(SERVICE);
  const endpoints = ctx.informers.informer<Endpoints>(ENDPOINTS);
  await Promise.all([services.waitForSync(), endpoints.waitForSync()]);
  const advertise = options.advertiseAddress ?? firstAddress();
  const view = { service: (ns: string, name: string) => services.cache.get(`${ns}/${name}`), endpoints: (ns: string, name: string) => endpoints.cache.get(`${ns}/${name}`) };
  const serve = async (listen: string): Promise<DnsServer> => {
    const [host, port] = listen.split(/:(?=\d+$)/);
    const server = new DnsServer(view, {
      host: host!.replace(/^\[|\]$/g, ''),
      port: Number(port),
      domain: options.domain,
      upstreams: options.upstreams ?? resolvConfServers(),
      onError: (m) => ctx.logger.warn(`dns: ${m}`),
    });
    await server.start();
    return server;
  };
  // Pods reach the DNS through the kube-dns Service (port 53 -> wherever this listens), so when
  // port 53 is taken (another server on this machine) any port will do.
  const candidates = options.listen ? [options.listen] : [`${advertise}:53`, `${advertise}:0`];
  let server: DnsServer | undefined;
  let failure = '';
  for (const listen of candidates) {
    try {
      server = await serve(listen);
      break;
    } catch (err) {
      failure = `${listen}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  if (!server) {
    // A DNS that cannot bind must not keep the cluster from running: say so and carry on without it.
    ctx.logger.warn(`dns: cannot listen (${failure}); cluster DNS is off. Set the "${PLUGIN_NAME}" option listen to a free address.`);
    return { stop: async () => undefined };
  }
  const host = (options.listen ?? advertise).replace(/:\d+$/, '');
  let keeper: DnsServiceKeeper | undefined;
  const unwatch: (() => void)[] = [];
  if (options.publish) {
    const k = (keeper = new DnsServiceKeeper({ client: ctx.client, serviceIP: options.serviceIP, address: advertise, port: server.port, warn: (m) => ctx.logger.warn(m) }));
    const ours = (obj: { metadata: { namespace?: string; name?: string } }) => obj.metadata.namespace === DNS_SERVICE.namespace && obj.metadata.name === DNS_SERVICE.name;
    for (const informer of [services, endpoints] as const) {
      unwatch.push(informer.onUpdate((_old, obj) => ours(obj) && k.changed()));
      unwatch.push(informer.onDelete((obj) => ours(obj) && k.changed()));
    }
    await keeper.start();
  }
  ctx.logger.info(`dns: serving ${options.domain} on ${host}:${server.port}`);
  return {
    stop: async () => {
      for (const off of unwatch) off();
      await keeper?.stop();
      await server.stop();
    },
  };
}

/** Cluster DNS: a component on every server answering from Services and Endpoints. */
export const plugin: CorralPlugin<DnsPluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<DnsPluginOptions>({
    domain: Joi.string().hostname().default('cluster.local'),
    listen: Joi.string().pattern(/^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):\d{1,5}$/),
    advertiseAddress: Joi.string().ip(),
    serviceIP: Joi.string().ip({ version: ['ipv4'] }).default('10.96.0.10'),
    publish: Joi.boolean().default(true),
    upstreams: Joi.array().items(Joi.string()),
  }),
  apply(corral, options) {
    corral.hooks.registerComponents.tap(PLUGIN_NAME, (registry) => registry.add({ name: 'dns', roles: ['server'], start: (ctx) => startDns(options, ctx) }));
  },
};
