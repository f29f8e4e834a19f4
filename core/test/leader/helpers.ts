import { ApiClient, type ApiObject, type ResourceArg, type ScopeOptions, type WriteOptions } from '../../src/index.js';
export { waitFor as until } from '../../src/testing/index.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isLeases(resource: ResourceArg): boolean {
  return typeof resource === 'string' ? resource === 'leases' : (resource.plural ?? resource.name) === 'leases';
}

/** A client whose Lease reads and writes fail while `broken`: a leader cut off from the API. */
export class BreakableClient extends ApiClient {
  broken = false;

  constructor(url: string) {
    super({ server: url, namespace: 'default', insecureSkipTlsVerify: false, files: [] });
  }

  private check(resource: ResourceArg): void {
    if (this.broken && isLeases(resource)) throw new Error('connection refused (broken on purpose)');
  }

  override async get<T extends ApiObject = ApiObject>(resource: ResourceArg, name: string, options?: ScopeOptions & { subresource?: string }): Promise<T> {
    this.check(resource);
    return super.get<T>(resource, name, options);
  }

  override async create<T extends ApiObject>(resource: ResourceArg, obj: T, options?: WriteOptions): Promise<T> {
    this.check(resource);
    return super.create<T>(resource, obj, options);
  }

  override async update<T extends ApiObject>(resource: ResourceArg, obj: T, options?: WriteOptions): Promise<T> {
    this.check(resource);
    return super.update<T>(resource, obj, options);
  }
}

export const FAST = { leaseDurationMs: 800, renewDeadlineMs: 500, retryPeriodMs: 100 };
