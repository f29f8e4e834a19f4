import { podResources, type HostPort } from '@corral/core/scheduler';
import { unschedulable, type SchedulerPluginFactory } from '@corral/core/kernel';
import * as names from './names.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";

const STATE = `${names.NodePorts}/preFilter`;

/**
 * A pod asking for host ports fits a node only where none of them is taken: the same port and
 * protocol on the same host IP, where 0.0.0.0 (the default) takes the port on every IP.
 */
export const NodePorts: SchedulerPluginFactory<void> = {
  name: names.NodePorts,
  create: () => ({
    preFilter(pod, state) {
      const ports = podResources(pod).hostPorts;
      if (ports.length === 0) return { code: 'Skip' };
      state.write(STATE, ports);
      return undefined;
    },
    filter(pod, node, state) {
      const ports = state.read<readonly HostPort[]>(STATE) ?? podResources(pod).hostPorts;
      for (const p of ports) if (node.usedPorts.conflicts(p.hostIP, p.protocol, p.port)) return unschedulable(names.NodePorts, ERR_REASON_PORTS);
      return undefined;
    },
  }),
};
