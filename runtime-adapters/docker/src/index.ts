// Corral runtime adapter: Docker (dockerode), with a pause container per pod.
export { plugin, PLUGIN_NAME, type DockerRuntimePluginOptions } from './DockerRuntimePlugin.js';
export { DockerRuntime, type DockerRuntimeOptions } from './DockerRuntime.js';
export { DockerUnavailableError, DEFAULT_SOCKET } from './connection.js';
export { LABEL as DOCKER_LABELS } from './labels.js';
