// The labels the agent puts on what it asks the runtime to run. They are the agent's only
// memory across restarts: from them it finds, after a crash, which pod and container each
// sandbox and container belong to and how often the container was restarted.
export const POD_UID = 'corral.dev/pod-uid';
export const POD_NAME = 'corral.dev/pod-name';
export const POD_NAMESPACE = 'corral.dev/pod-namespace';
export const CONTAINER_NAME = 'corral.dev/container-name';
export const RESTART_COUNT = 'corral.dev/restart-count';
/** `init` or `app`. */
export const CONTAINER_KIND = 'corral.dev/container-kind';
/** The pod's IP, kept on the sandbox so an adopted pod reports the same one. */
export const POD_IP = 'corral.dev/pod-ip';
/** How many sandboxes the pod had before this one. */
export const SANDBOX_ATTEMPT = 'corral.dev/sandbox-attempt';

