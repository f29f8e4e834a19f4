import type { ControllerRegistration } from '../contracts/controllers.js';
import { OwnedRegistry } from './OwnedRegistry.js';

/** The reconcilers the controller manager runs, filled through `hooks.registerControllers`. */
export class ControllerRegistry extends OwnedRegistry<ControllerRegistration> {
  private readonly byName = new Map<string, ControllerRegistration>();

  add(controller: ControllerRegistration): void {
    const clash = this.byName.get(controller.name);
    if (this.record(controller, `controller "${controller.name}"`, clash)) this.byName.set(controller.name, controller);
  }

  get(name: string): ControllerRegistration | undefined {
    return this.byName.get(name);
  }

  list(): ControllerRegistration[] {
    return [...this.byName.values()];
  }
}
