/** A registration that clashed with an earlier one; start-up reports it against `owner`'s entry. */
export interface RegistrationConflict {
  /** The plugin (tap name) whose registration was refused. */
  readonly owner: string;
  readonly message: string;
}

/**
 * Base of the registries filled through the `register*` hooks. The kernel tells the registry
 * which plugin's tap is running, so every entry knows its owner and a clash names both plugins.
 * After start-up the registry is sealed: late registrations are a bug and throw.
 */
export abstract class OwnedRegistry<T> {
  private current = '(kernel)';
  private sealed = false;
  private readonly owners = new Map<T, string>();
  private readonly refused: RegistrationConflict[] = [];

  /** The kernel calls this before each registering tap runs. */
  setOwner(owner: string): void {
    this.current = owner;
  }

  seal(): void {
    this.sealed = true;
  }

  get conflicts(): readonly RegistrationConflict[] {
    return this.refused;
  }

  /** The plugin that registered `entry`. */
  ownerOf(entry: T): string | undefined {
    return this.owners.get(entry);
  }

  /** Records `entry` unless `clash` (computed by the subclass) names an earlier one. */
  protected record(entry: T, describe: string, clash: T | undefined): boolean {
    if (this.sealed) throw new Error(`cannot register ${describe} after start-up; register it in the register* hook`);
    if (clash !== undefined) {
      this.refused.push({ owner: this.current, message: `${describe} is already registered by "${this.owners.get(clash)}"` });
      return false;
    }
    this.owners.set(entry, this.current);
    return true;
  }
}
