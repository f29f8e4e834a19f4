import Joi from 'joi';
import type { CorralPlugin } from '@corral/core/kernel';
import { DEFAULT_ENDPOINT } from './cri/CriClient.js';
import { CriRuntime } from './CriRuntime.js';

export const PLUGIN_NAME = 'CriRuntimePlugin';
/** The name `agent.runtime` selects it by. */
export const RUNTIME_NAME = 'cri';

export interface CriRuntimePluginOptions {
  /** containerd's socket: `unix:///run/containerd/containerd.sock` (or the bare path). */
  readonly endpoint: string;
  readonly cgroupParent: string;
  readonly runtimeHandler: string;
  readonly pullTimeoutMs: number;
}

export const criRuntimeOptions = Joi.object<CriRuntimePluginOptions>({
  endpoint: Joi.string()
    .pattern(/^(unix:\/\/)?\//)
    .default(DEFAULT_ENDPOINT)
    .messages({ 'string.pattern.base': '{{#label}} must be a unix socket: unix:///path/to/containerd.sock or /path/to/containerd.sock' }),
  cgroupParent: Joi.string().allow('').default(''),
  runtimeHandler: Joi.string().allow('').default(''),
  pullTimeoutMs: Joi.number().integer().min(1000).default(10 * 60_000),
});

/** Offers containerd (any CRI v1 runtime) as `agent.runtime: cri`. */
export const plugin: CorralPlugin<CriRuntimePluginOptions> = {
  name: PLUGIN_NAME,
  options: criRuntimeOptions,
  roles: ['agent', 'all'],
  apply(corral, options) {
    corral.hooks.runtimeAdapter.for(RUNTIME_NAME).tap(PLUGIN_NAME, (ctx) => new CriRuntime({ ...options, nodeName: ctx.nodeName }));
  },
};
