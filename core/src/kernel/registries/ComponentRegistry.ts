import type { ComponentRegistration } from '../contracts/components.js';
import { OwnedRegistry } from './OwnedRegistry.js';

/** The plugins' long-lived components, filled through `hooks.registerComponents`. */
export class ComponentRegistry extends OwnedRegistry<ComponentRegistration> {
  private readonly byName = new Map<string, ComponentRegistration>();

  add(component: ComponentRegistration): void {
    const clash = this.byName.get(component.name);
    if (this.record(component, `component "${component.name}"`, clash)) this.byName.set(component.name, component);
  }

  get(name: string): ComponentRegistration | undefined {
    return this.byName.get(name);
  }

  /** The components that run in a process doing `kind` ('server' or 'agent' work). */
  list(kind?: 'server' | 'agent'): ComponentRegistration[] {
    return [...this.byName.values()].filter((c) => kind === undefined || (c.roles ?? ['server']).includes(kind));
  }
}
