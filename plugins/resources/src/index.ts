// @corral/plugin-resources: the built-in kinds, registered as a plugin (listed in core's
// default-config.yaml).
export { plugin, PLUGIN_NAME } from './ResourcesPlugin.js';
