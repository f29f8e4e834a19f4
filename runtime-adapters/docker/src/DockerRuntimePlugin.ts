import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { DEFAULT_SOCKET } from './connection.js';
import { DEFAULT_NETNS_HELPER, DockerRuntime } from './DockerRuntime.js';

export const PLUGIN_NAME = 'DockerRuntimePlugin';

export interface DockerRuntimePluginOptions {
  /** The daemon: a socket path, `unix:///path` or `tcp://host:port`; default $DOCKER_HOST, else /var/run/docker.sock. */
  socket: string;
  /** The image of every pod's pause container; it must be present or pullable. */
  pauseImage: string;
  /** The pause process; empty runs the pause image's own entrypoint. */
  pauseCommand: string[];
  /** A static busybox on the node that lets the pause container enter a pod network's namespace; "" uses the pause image's nsenter. */
  netnsHelper: string;
}

/** Offers the Docker runtime as `agent.runtime: docker`. */
export const plugin: CorralPlugin<DockerRuntimePluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['agent', 'all'],
  options: Joi.object<DockerRuntimePluginOptions>({
    socket: Joi.string()
      .pattern(/^(unix:\/\/\/|\/|tcp:\/\/)/)
      .message('must be a socket path, unix:///path or tcp://host:port')
      .default(() => process.env.DOCKER_HOST || DEFAULT_SOCKET),
    pauseImage: Joi.string().min(1).default('registry.k8s.io/pause:3.9'),
    pauseCommand: Joi.array().items(Joi.string()).default([]),
    netnsHelper: Joi.string().allow('').default(DEFAULT_NETNS_HELPER),
  }),
  apply(corral, options) {
    corral.hooks.runtimeAdapter.for('docker').tap(PLUGIN_NAME, () => new DockerRuntime(options));
  },
};
