// A child process for the proxy benchmark: two small HTTP servers (the Service's two pods) on
// loopback; prints their ports as one JSON line and serves until killed.
import { createServer } from 'node:http';

const ports: number[] = [];
for (let i = 0; i < 2; i++) {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ports.push((server.address() as { port: number }).port);
}
process.stdout.write(JSON.stringify({ ports }) + '\n');
