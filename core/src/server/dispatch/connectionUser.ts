// The default authentication, once per connection: a client certificate belongs to the TLS
// connection (the server allows no renegotiation, listen.ts), so every request on a keep-alive
// connection has the same user, and reading the certificate (an object built anew on each call,
// far dearer than the rest of a small request) is not repeated per request.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { UserInfo } from '../../kernel/contracts/admission.js';
import { certificateUser } from '../authn.js';

/** Shared by the connection's requests: no request's code may change it for the next. */
function frozen(user: UserInfo | undefined): UserInfo | undefined {
  if (!user) return undefined;
  return Object.freeze(user.groups ? { ...user, groups: Object.freeze([...user.groups]) } : { ...user });
}

export function connectionUser(): (req: IncomingMessage) => UserInfo | undefined {
  const users = new WeakMap<Socket, { user: UserInfo | undefined }>();
  return (req) => {
    const socket = req.socket;
    // Plain HTTP has no certificate to read.
    if (!(socket as { encrypted?: boolean }).encrypted) return undefined;
    let known = users.get(socket);
    if (!known) users.set(socket, (known = { user: frozen(certificateUser(req)) }));
    return known.user;
  };
}
