import { resolve } from 'node:path';
import { writeKubeconfig } from '../client/kubeconfig.js';
import type { ServerProcess } from '../cli/commands/server.js';

/** The kubeconfig for kubectl and `corral`; over HTTPS with an admin certificate (else kubectl prompts for a password). */
export function writeUserKubeconfig(server: ServerProcess, path: string): void {
  const admin = server.api.issueClientCertificate?.('corral-admin', ['system:masters']);
  writeKubeconfig(resolve(path), {
    server: server.api.url,
    certificateAuthorityData: server.api.caCertificate,
    clientCertificateData: admin?.certificate,
    clientKeyData: admin?.key,
    namespace: 'default',
  });
}
