// A child process for the proxy benchmark: one pod of the Service, a small HTTP server on the
// address and port given (default: loopback, any free port); prints its port as one JSON line
// and serves until killed.
import { createServer } from 'node:http';

const [host = '127.0.0.1', portText = '0'] = process.argv.slice(2);
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((r) => server.listen(Number(portText), host, r));
process.stdout.write(JSON.stringify({ port: (server.address() as { port: number }).port }) + '\n');
