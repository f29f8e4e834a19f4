import type { SchedulerPluginFactory } from '../scheduler/types.js';
import { OwnedRegistry } from './OwnedRegistry.js';

/**
 * Scheduler framework plugins by name, filled through `hooks.registerSchedulerPlugins`.
 * Profiles enable them by these names.
 */
export class SchedulerPluginRegistry extends OwnedRegistry<SchedulerPluginFactory> {
  private readonly byName = new Map<string, SchedulerPluginFactory>();

  add(factory: SchedulerPluginFactory): void {
    const clash = this.byName.get(factory.name);
    if (this.record(factory, `scheduler plugin "${factory.name}"`, clash)) this.byName.set(factory.name, factory);
  }

  get(name: string): SchedulerPluginFactory | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
