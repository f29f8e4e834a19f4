// Backends and clients for the data path tests: small TCP/UDP servers on loopback that answer
// with their own name, and a random test-only ClusterIP range on a dummy interface of the test.
import { createSocket } from 'node:dgram';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomInt } from 'node:crypto';

export interface Backend {
  readonly name: string;
  readonly port: number;
  readonly sockets: Set<Socket>;
  close(): Promise<void>;
}

/** Answers every connection with its name, then keeps it open until the client closes. */
export async function tcpBackend(name: string): Promise<Backend> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    s.write(`${name}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    sockets,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Connects and reads the first line; keeps the socket when `keep` is set. */
export function ask(host: string, port: number): Promise<{ line: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ line: buf.slice(0, nl), socket });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a line from ${host}:${port}`)));
  });
}

export async function askOnce(host: string, port: number): Promise<string> {
  const { line, socket } = await ask(host, port);
  socket.destroy();
  return line;
}

export async function udpEcho(name: string): Promise<{ port: number; close(): Promise<void> }> {
  const socket = createSocket('udp4');
  socket.on('message', (msg, from) => socket.send(`${name}:${msg.toString()}`, from.port, from.address));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, close: () => new Promise((r) => socket.close(() => r())) };
}

export function udpAsk(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no UDP answer from ${host}:${port}`));
    }, 3000);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(msg.toString());
    });
    socket.send(text, port, host);
  });
}

/** A ClusterIP-like address of the test's own (198.18.0.0/15 is for benchmarks and tests). */
export function testServiceIP(): string {
  return `198.18.${randomInt(1, 255)}.${randomInt(1, 255)}`;
}

export function testInterface(): string {
  return `crlt${randomInt(1e6, 1e7)}`;
}
