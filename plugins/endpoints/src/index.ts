// @corral/plugin-endpoints: the Endpoints controller (Service selectors to ready Pod addresses).
export { plugin, PLUGIN_NAME } from './EndpointsPlugin.js';
export type { EndpointsPluginOptions } from './EndpointsPlugin.js';
export { endpointsController, servicesSelecting, syncEndpoints, ENDPOINTS_KIND, POD_KIND, SERVICE_KIND } from './EndpointsController.js';
export type { EndpointsControllerOptions } from './EndpointsController.js';
export { computeSubsets, endpointsLabels, isPodReady, podInEndpoints, resolveTargetPort, HEADLESS_LABEL } from './subsets.js';
