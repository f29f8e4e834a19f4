// Service ranges: ClusterIPs from the service CIDR, NodePorts from their range, assigned as
// Services are written and given back by a repair loop.
import type { ApiObject, Service } from '../../api/types.js';
import type { Corral } from '../../kernel/Corral.js';
import type { Store } from '../../store/types.js';
import type { ServedResource } from '../resources.js';
import type { ObjectAllocations } from '../storage/context.js';
import type { ServerLogger } from '../types.js';
import { AllocationRepair } from './repair.js';
import { ServiceAllocations, serviceRange } from './ServiceAllocations.js';

export { DEFAULT_NODE_PORT_RANGE, DEFAULT_SERVICE_CIDR, ServiceAllocations, serviceRange } from './ServiceAllocations.js';
export { AllocationRepair } from './repair.js';


export interface ServiceRangeOptions {
  /** Default 10.96.0.0/12. */
  readonly serviceCIDR?: string;
  /** Default 30000-32767. */
  readonly nodePortRange?: { readonly min: number; readonly max: number };
  /** How old a record must be before the repair loop may free it (default 30 s). */
  readonly graceMs?: number;
}

/** The allocations for the server's write path and the loop that repairs them. */
export function serviceRanges(store: Store, services: ServedResource, logger: ServerLogger, options: ServiceRangeOptions = {}) {
  const allocations = new ServiceAllocations(store, { ...options, serviceKey: (ns, name) => services.key(ns, name) });
  const isService = (res: ServedResource) => res === services;
  const hooks: ObjectAllocations = {
    beforeCreate: async (res, obj: ApiObject) => (isService(res) ? allocations.beforeCreate(obj as Service) : undefined),
    beforeUpdate: async (res, obj, old) => (isService(res) ? allocations.beforeUpdate(obj as Service, old as Service) : undefined),
    afterDelete: async (res, obj) => (isService(res) ? allocations.afterDelete(obj as Service) : undefined),
  };
  return { allocations, hooks, repair: new AllocationRepair(store, allocations, services.prefix(), logger) };
}

/** The ranges in the config file's `server` section (checked: a bad range stops start-up). */
export function serviceRangesOf(corral: Corral): ServiceRangeOptions {
  const { serviceCIDR, nodePortRange } = corral.config.server;
  if (serviceCIDR !== undefined) serviceRange(serviceCIDR);
  if (nodePortRange === undefined) return { serviceCIDR };
  const [min, max] = nodePortRange.split('-').map(Number);
  if (!(min! >= 1 && max! <= 65535 && min! < max!)) throw new Error(`server.nodePortRange "${nodePortRange}" must be min-max with 1 <= min < max <= 65535`);
  return { serviceCIDR, nodePortRange: { min: min!, max: max! } };
}
