import type { CorralPlugin } from '@corral/core/kernel';
import Joi from 'joi';
import { GarbageCollector } from './GarbageCollector.js';
import { KindTable } from './KindTable.js';

export const PLUGIN_NAME = 'GarbageCollectorPlugin';

export interface GarbageCollectorPluginOptions {
  /** Kinds never collected nor watched (Events come and go in bulk and expire on their own). */
  ignoredKinds: string[];
  /** Objects of one kind looked at at once. */
  workers: number;
  /** Every object is looked at again this often, in seconds; 0 turns the safety net off. */
  resyncSeconds: number;
}

/** Registers the garbage collector for every kind the API serves, but the ignored ones. */
export const plugin: CorralPlugin<GarbageCollectorPluginOptions> = {
  name: PLUGIN_NAME,
  roles: ['server'],
  options: Joi.object<GarbageCollectorPluginOptions>({
    ignoredKinds: Joi.array().items(Joi.string()).default(['Event']),
    workers: Joi.number().integer().min(1).max(64).default(2),
    resyncSeconds: Joi.number().min(0).default(0),
  }),
  apply(corral, options) {
    corral.hooks.registerControllers.tap(PLUGIN_NAME, (registry) => {
      const ignored = new Set(options.ignoredKinds);
      const table = new KindTable(corral.resources.list().filter((def) => !ignored.has(def.kind)));
      const collector = new GarbageCollector(table, { workers: options.workers, resyncMs: options.resyncSeconds * 1000 });
      for (const registration of collector.registrations()) registry.add(registration);
    });
  },
};
