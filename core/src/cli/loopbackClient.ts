import { ApiClient, type ApiClientOptions } from '../client/ApiClient.js';
import type { ApiServer } from '../server/types.js';

/**
 * A client of this process's own API server: its CA, and over HTTPS a client certificate the
 * server issues for `user` in `groups`.
 */
export function loopbackClient(api: ApiServer, user: string, groups: string[], options: ApiClientOptions): ApiClient {
  const cert = api.issueClientCertificate?.(user, groups);
  return new ApiClient(
    {
      server: api.url,
      namespace: 'default',
      insecureSkipTlsVerify: false,
      files: [],
      ...(api.caCertificate ? { ca: Buffer.from(api.caCertificate) } : {}),
      ...(cert ? { clientCert: Buffer.from(cert.certificate), clientKey: Buffer.from(cert.key) } : {}),
    },
    options,
  );
}
