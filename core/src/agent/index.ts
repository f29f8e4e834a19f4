// The node agent (Corral's kubelet).
export { Agent } from './Agent.js';
export { startAgentFor, AgentSetupError } from './fromCorral.js';
export type { AgentFromCorralOptions } from './fromCorral.js';
export { DEFAULT_TIMING } from './types.js';
export type { AgentHooks, AgentLogger, AgentOptions, AgentTiming } from './types.js';
export { POD_UID, POD_NAME, POD_NAMESPACE, CONTAINER_NAME, RESTART_COUNT, CONTAINER_KIND, POD_IP, SANDBOX_ATTEMPT } from './labels.js';
export { defaultAgentRootDir } from './fromCorral.js';
