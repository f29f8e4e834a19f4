// A plain HTTP client of the Kubernetes REST API (node:http, keep-alive): what a controller or
// kubectl does on the wire, without a client library's costs in the way of the figures.
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

export class ApiClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    if (url.protocol !== 'http:') throw new Error(`the benchmark client speaks plain HTTP; got ${baseUrl}`);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /**
   * One request. A kept-alive connection the server closed as idle just as it was reused fails
   * before any answer: the request was never read, so it goes once more (as real clients do).
   */
  async send(method: string, path: string, body?: unknown, contentType = 'application/json', headers?: Record<string, string>): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    try {
      return await this.sendOnce(method, path, payload, contentType, true, headers);
    } catch (err) {
      if (!(err as { staleConnection?: boolean }).staleConnection) throw err;
      return this.sendOnce(method, path, payload, contentType, false, headers);
    }
  }

  private sendOnce(method: string, path: string, payload: string | undefined, contentType: string, mayRetry: boolean, extra?: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            Accept: 'application/json',
            ...extra,
            ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', (err: Error & { code?: string; staleConnection?: boolean }) => {
        if (mayRetry && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) err.staleConnection = true;
        reject(err);
      });
      req.end(payload);
    });
  }

  /** Sends the request and fails unless the answer has the expected status. */
  async expect(status: number, method: string, path: string, body?: unknown, contentType?: string, headers?: Record<string, string>): Promise<string> {
    const reply = await this.send(method, path, body, contentType, headers);
    if (reply.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${reply.status}: ${reply.body.slice(0, 300)}`);
    }
    return reply.body;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A Pod of a realistic size (about 1 KiB of JSON) that the API accepts. */
export function benchPod(namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { app: 'web', tier: 'frontend', 'pod-template-hash': '7d4b9c8f6' },
      annotations: { 'example.com/owner': 'team-web' },
    },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/team/web:1.25.3',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'LOG_LEVEL', value: 'info' },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
        },
      ],
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
    },
  };
}

export const podsPath = (namespace: string): string => `/api/v1/namespaces/${namespace}/pods`;
