import type * as grpc from '@grpc/grpc-js';
import { translateError } from './errors.js';
import type { ImageRpcs, RuntimeRpcs } from './types.js';

export const DEFAULT_ENDPOINT = 'unix:///run/containerd/containerd.sock';

/** Ordinary calls answer quickly; pulls and stops pass their own deadline. */
const DEFAULT_DEADLINE_MS = 2 * 60_000;
const MAX_MESSAGE = 16 * 1024 * 1024;

type Unary = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

/** Accepts `unix:///path`, a bare absolute socket path, or any gRPC target. */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.startsWith('/') ? `unix://${endpoint}` : endpoint;
}

/**
 * The two CRI v1 services on one endpoint, with promise calls and errors that name the RPC and
 * the endpoint. gRPC connects on the first call, so constructing one does no I/O.
 */
export class CriClient {
  readonly endpoint: string;
  private connection?: Promise<{ grpc: typeof grpc; runtime: grpc.Client; image: grpc.Client }>;

  constructor(endpoint: string = DEFAULT_ENDPOINT) {
    this.endpoint = normalizeEndpoint(endpoint);
  }

  runtime<M extends keyof RuntimeRpcs>(method: M, request: RuntimeRpcs[M][0], deadlineMs?: number): Promise<RuntimeRpcs[M][1]> {
    return this.call('runtime', `RuntimeService/${method}`, method, request, deadlineMs) as Promise<RuntimeRpcs[M][1]>;
  }

  image<M extends keyof ImageRpcs>(method: M, request: ImageRpcs[M][0], deadlineMs?: number): Promise<ImageRpcs[M][1]> {
    return this.call('image', `ImageService/${method}`, method, request, deadlineMs) as Promise<ImageRpcs[M][1]>;
  }

  close(): void {
    void this.connection?.then((c) => {
      c.runtime.close();
      c.image.close();
    });
    this.connection = undefined;
  }

  /** gRPC and the proto are loaded on the first call: agents on other runtimes never pay for them. */
  private connect() {
    return (this.connection ??= (async () => {
      const grpcModule = await import('@grpc/grpc-js');
      const { criServices } = await import('./proto.js');
      const { RuntimeService, ImageService } = criServices();
      const options = { 'grpc.max_receive_message_length': MAX_MESSAGE, 'grpc.max_send_message_length': MAX_MESSAGE };
      const credentials = grpcModule.credentials.createInsecure();
      return { grpc: grpcModule, runtime: new RuntimeService(this.endpoint, credentials, options), image: new ImageService(this.endpoint, credentials, options) };
    })());
  }

  private async call(service: 'runtime' | 'image', rpc: string, method: string, request: unknown, deadlineMs = DEFAULT_DEADLINE_MS): Promise<unknown> {
    const connection = await this.connect();
    const client = connection[service];
    const fn = (client as unknown as Record<string, Unary>)[method]!;
    return new Promise((resolve, reject) => {
      fn.call(client, request, new connection.grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(translateError(err, rpc, this.endpoint));
        else resolve(res);
      });
    });
  }
}
