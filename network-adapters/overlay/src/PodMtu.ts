// Pods' MTU on the overlay is the VXLAN device's, which only the agent's overlay component knows
// once it has made the device (the underlay's MTU less VXLAN's headers): pod setups wait for it.

export class PodMtu {
  private value?: number;
  private failure?: Error;
  private waiters: { resolve: (mtu: number) => void; reject: (err: Error) => void }[] = [];

  /** The device is up with this MTU. */
  set(mtu: number): void {
    this.value = mtu;
    this.failure = undefined;
    for (const w of this.waiters.splice(0)) w.resolve(mtu);
  }

  /** The device could not be made: pods waiting now fail with `err`; a later {@link set} still counts. */
  fail(err: Error): void {
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** The MTU, once known; rejects after `timeoutMs` or when the overlay fails. */
  get(timeoutMs: number): Promise<number> {
    if (this.value !== undefined) return Promise.resolve(this.value);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<number>((resolve, reject) => {
      const waiter = {
        resolve: (mtu: number) => {
          clearTimeout(timer);
          resolve(mtu);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`the overlay's VXLAN device is not up after ${Math.round(timeoutMs / 1000)} s, so pods' MTU is not known: see the agent's log for the overlay component, or set the OverlayNetworkPlugin option mtu`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}
