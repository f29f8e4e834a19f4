import * as grpc from '@grpc/grpc-js';
import { translateError } from './errors.js';
import { criServices } from './proto.js';
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
  private readonly runtimeClient: grpc.Client;
  private readonly imageClient: grpc.Client;

  constructor(endpoint: string = DEFAULT_ENDPOINT) {
    this.endpoint = normalizeEndpoint(endpoint);
    const { RuntimeService, ImageService } = criServices();
    const options = { 'grpc.max_receive_message_length': MAX_MESSAGE, 'grpc.max_send_message_length': MAX_MESSAGE };
    this.runtimeClient = new RuntimeService(this.endpoint, grpc.credentials.createInsecure(), options);
    this.imageClient = new ImageService(this.endpoint, grpc.credentials.createInsecure(), options);
  }

  runtime<M extends keyof RuntimeRpcs>(method: M, request: RuntimeRpcs[M][0], deadlineMs?: number): Promise<RuntimeRpcs[M][1]> {
    return this.call(this.runtimeClient, `RuntimeService/${method}`, method, request, deadlineMs) as Promise<RuntimeRpcs[M][1]>;
  }

  image<M extends keyof ImageRpcs>(method: M, request: ImageRpcs[M][0], deadlineMs?: number): Promise<ImageRpcs[M][1]> {
    return this.call(this.imageClient, `ImageService/${method}`, method, request, deadlineMs) as Promise<ImageRpcs[M][1]>;
  }

  close(): void {
    this.runtimeClient.close();
    this.imageClient.close();
  }

  private call(client: grpc.Client, rpc: string, method: string, request: unknown, deadlineMs = DEFAULT_DEADLINE_MS): Promise<unknown> {
    const fn = (client as unknown as Record<string, Unary>)[method]!;
    return new Promise((resolve, reject) => {
      fn.call(client, request, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) => {
        if (err) reject(translateError(err, rpc, this.endpoint));
        else resolve(res);
      });
    });
  }
}
