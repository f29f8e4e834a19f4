// What `corral up` can and cannot do without root, said once, in one place.

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

const WORKS = 'the server and its API, the process runtime (pods as plain processes, without namespaces of their own), the userspace proxy with NodePorts on this machine';
const NEEDS_ROOT = 'a pod network (a network namespace and an IP per pod), ClusterIPs on an interface, and --nodes';

/** Why `corral up --nodes` refuses to start. */
export function nodesNeedRoot(): string {
  return (
    `corral up --nodes needs root: it creates a bridge, a network namespace per node, veth pairs and routes. ` +
    `Run it as root (sudo), or run \`corral up\` without --nodes: without root that gives ${WORKS}.`
  );
}

/** The notice a plain `corral up` prints when it is not root. */
export function notRootNotice(): string {
  return `Not running as root: what works is ${WORKS}; what needs root is ${NEEDS_ROOT}.`;
}
