// What the examples' tests share: a cluster of cluster-up.ts with the DNS published (as the
// README's `corral up` has it), the `corral` CLI against it, and plain HTTP GETs.
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { startClusterUp, type ClusterUp } from './cluster-up.js';

/** An example's folder in the repository. */
export function exampleDir(name: string): string {
  return fileURLToPath(new URL(`../../../../examples/${name}/`, import.meta.url));
}

export type ExampleCluster = ClusterUp;

export interface ExampleClusterOptions {
  /** Default `process`, with cgroup limits off. */
  readonly runtime?: 'process' | 'docker';
  /** The runtime plugin's config lines (YAML list items indented by two), for another runtime. */
  readonly runtimePlugin?: readonly string[];
}

/**
 * `corral up` as the README's first step, with the default plugins (process runtime, bridge,
 * userspace proxy, DNS), on network names and ranges of this test's own, the DNS on loopback.
 */
export function exampleCluster(prefix: string, options: ExampleClusterOptions = {}): Promise<ExampleCluster> {
  return startClusterUp({ name: prefix, ...options, publishDns: true });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One GET on a new connection, as curl does it. */
export function httpGet(host: string, port: number, path = '/', timeoutMs = 5_000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET http://${host}:${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
