// A child process for the proxy benchmark: `concurrency` clients send GET / for `seconds` to the
// targets (round robin), with keep-alive or a new connection per request; prints requests/s,
// errors and latency percentiles as one JSON line.
import { Agent, request } from 'node:http';

const [targetsJson, secondsText, concurrencyText, keepAliveText] = process.argv.slice(2);
const targets = JSON.parse(targetsJson!) as { host: string; port: number }[];
const seconds = Number(secondsText);
const concurrency = Number(concurrencyText);
const keepAlive = keepAliveText === 'true';
const agent = new Agent({ keepAlive, maxSockets: concurrency });
const latencies: number[] = [];
let errors = 0;
let next = 0;
const end = performance.now() + seconds * 1000;

function once(): Promise<void> {
  const target = targets[next++ % targets.length]!;
  const start = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: target.host, port: target.port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - start);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (performance.now() < end) await once();
  }),
);
const elapsed = performance.now() - started;
agent.destroy();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(JSON.stringify({ rps: Math.round((latencies.length * 1000) / elapsed), errors, p50: +at(50).toFixed(3), p99: +at(99).toFixed(3) }) + '\n');
