import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { IptablesProxy } from './IptablesProxy.js';

export const PLUGIN_NAME = 'IptablesProxyPlugin';
export const DATA_PATH = 'iptables';

export interface IptablesPluginOptions {
  /** Chain name prefix (at most 7 characters); default "CORRAL-". */
  chainPrefix?: string;
  fullSyncIntervalMs?: number;
}

const optionsSchema = Joi.object<IptablesPluginOptions>({
  chainPrefix: Joi.string().max(7).pattern(/^[A-Z0-9-]+$/),
  fullSyncIntervalMs: Joi.number().integer().min(1000),
});

/** Offers the `iptables` service data path (agent.network.services: iptables). */
export const plugin: CorralPlugin<IptablesPluginOptions | undefined> = {
  name: PLUGIN_NAME,
  options: optionsSchema,
  roles: ['agent', 'all'],
  apply(corral, options = {}) {
    corral.hooks.proxyDataPath
      .for(DATA_PATH)
      .tap(PLUGIN_NAME, () => new IptablesProxy({ prefix: options.chainPrefix ?? 'CORRAL-', fullSyncIntervalMs: options.fullSyncIntervalMs ?? 15 * 60_000 }));
  },
};
