// Just enough of the Redis protocol (RESP2) for the guestbook: one connection per call, the
// commands pipelined, one reply each. Node's standard library only, so the app needs no npm.
import { connect } from 'node:net';

/** A reply Redis sent as an error (`-ERR ...`): returned in place, not thrown. */
export class RedisError extends Error {
  name = 'RedisError';
}

function encode(command) {
  const parts = [`*${command.length}\r\n`];
  for (const arg of command) {
    const text = String(arg);
    parts.push(`$${Buffer.byteLength(text)}\r\n${text}\r\n`);
  }
  return parts.join('');
}

/**
 * Parses one reply at `offset`: { value, next } or undefined while the buffer holds only part
 * of it.
 */
function parse(buffer, offset) {
  const end = buffer.indexOf('\r\n', offset);
  if (end === -1) return undefined;
  const type = String.fromCharCode(buffer[offset]);
  const line = buffer.toString('utf8', offset + 1, end);
  const next = end + 2;
  switch (type) {
    case '+':
      return { value: line, next };
    case '-':
      return { value: new RedisError(line), next };
    case ':':
      return { value: Number(line), next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.toString('utf8', next, next + length), next: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, next };
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, at);
        if (!item) return undefined;
        items.push(item.value);
        at = item.next;
      }
      return { value: items, next: at };
    }
    default:
      throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
  }
}

/**
 * Sends `commands` (each an array of words) to host:port and resolves with their replies in
 * order; rejects when the connection fails or stays silent for `timeoutMs`.
 */
export function redis(host, port, commands, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port) });
    let buffer = Buffer.alloc(0);
    const replies = [];
    const fail = (err) => {
      socket.destroy();
      reject(new Error(`redis at ${host}:${port}: ${err.message}`));
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write(commands.map(encode).join('')));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let offset = 0;
      for (let reply = parse(buffer, offset); reply; reply = parse(buffer, offset)) {
        replies.push(reply.value);
        offset = reply.next;
        if (replies.length === commands.length) {
          socket.end();
          resolve(replies);
          return;
        }
      }
      buffer = buffer.subarray(offset);
    });
    socket.on('end', () => {
      if (replies.length < commands.length) fail(new Error('the connection closed before every reply came'));
    });
  });
}
