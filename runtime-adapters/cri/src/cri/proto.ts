import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// The proto ships in the package root (`proto/`), beside `dist/`, so the same relative path
// works from the build output and from an installed package.
const PROTO_FILE = fileURLToPath(new URL('../../../proto/cri-v1.proto', import.meta.url));

export type ServiceConstructor = grpc.ServiceClientConstructor;

export interface CriServices {
  readonly RuntimeService: ServiceConstructor;
  readonly ImageService: ServiceConstructor;
}

let loaded: CriServices | undefined;

/**
 * The CRI v1 service constructors. Fields keep the proto's snake_case names; int64 values
 * (timestamps in nanoseconds) arrive as decimal strings so no precision is lost; enums as
 * their names; absent fields as their defaults, as a Go runtime would read them.
 */
export function criServices(): CriServices {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(PROTO_FILE, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    arrays: true,
    objects: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as {
    runtime: { v1: { RuntimeService: ServiceConstructor; ImageService: ServiceConstructor } };
  };
  loaded = { RuntimeService: pkg.runtime.v1.RuntimeService, ImageService: pkg.runtime.v1.ImageService };
  return loaded;
}
