// Who sent a request. For now the one way to be someone is a client certificate signed by the
// server's CA (CN = user, O = groups); anyone else is anonymous. Authorization comes later.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { UserInfo } from '../kernel/contracts/admission.js';

export function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || !socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  const subject = socket.getPeerCertificate().subject;
  const cn = subject?.CN;
  if (!cn) return undefined;
  const orgs = subject.O;
  const groups = orgs === undefined ? [] : Array.isArray(orgs) ? orgs : [orgs];
  return { username: Array.isArray(cn) ? cn[0]! : cn, groups };
}
