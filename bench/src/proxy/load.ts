// A child process for the proxy benchmark: `concurrency` clients send GET / for `seconds` to the
// targets (round robin), each on a keep-alive connection or on a new connection per request;
// prints requests/s, errors, latency percentiles and the CPU time it used as one JSON line.
// The clients are plain sockets writing a ready-made request and reading the reply's length, not
// Node's HTTP client: on a machine of two cores the generator shares the CPU with what it
// measures, so it must cost little per request, or it is the generator that gets measured.
import { connect, type Socket } from 'node:net';

const [targetsJson, secondsText, concurrencyText, keepAliveText] = process.argv.slice(2);
const targets = JSON.parse(targetsJson!) as { host: string; port: number }[];
const seconds = Number(secondsText);
const concurrency = Number(concurrencyText);
const keepAlive = keepAliveText === 'true';
const request = Buffer.from(`GET / HTTP/1.1\r\nHost: bench\r\n${keepAlive ? '' : 'Connection: close\r\n'}\r\n`);
const HEADER_END = Buffer.from('\r\n\r\n');

const latencies: number[] = [];
let errors = 0;
let next = 0;
const end = performance.now() + seconds * 1000;

/** The length of the first complete response in `buf`, or 0 while it is incomplete. */
function responseLength(buf: Buffer): number {
  const head = buf.indexOf(HEADER_END);
  if (head === -1) return 0;
  const m = /content-length:\s*(\d+)/i.exec(buf.toString('latin1', 0, head));
  const total = head + HEADER_END.length + (m ? Number(m[1]) : 0);
  return buf.length >= total ? total : 0;
}

/** One client: requests back to back until the time is up. */
function client(): Promise<void> {
  return new Promise((done) => {
    let socket: Socket | undefined;
    let pending: Buffer = Buffer.alloc(0);
    let start = 0;
    const open = () => {
      const target = targets[next++ % targets.length]!;
      const s = connect({ host: target.host, port: target.port, noDelay: true });
      socket = s;
      pending = Buffer.alloc(0);
      s.on('data', (chunk: Buffer) => {
        pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
        const n = responseLength(pending);
        if (n === 0) return;
        latencies.push(performance.now() - start);
        pending = pending.subarray(n);
        if (keepAlive) send();
        else {
          s.removeAllListeners('close');
          s.destroy();
          send();
        }
      });
      s.on('error', () => undefined);
      s.on('close', () => {
        // Closed before its reply: a failed request; carry on with a new connection.
        errors++;
        socket = undefined;
        send();
      });
    };
    const send = () => {
      if (performance.now() >= end) {
        socket?.removeAllListeners('close');
        socket?.destroy();
        done();
        return;
      }
      if (!socket || !keepAlive) open();
      start = performance.now();
      socket!.write(request);
    };
    send();
  });
}

const cpu0 = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, () => client()));
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
process.stdout.write(
  JSON.stringify({
    rps: Math.round((latencies.length * 1000) / elapsed),
    requests: latencies.length,
    errors,
    p50: +at(50).toFixed(3),
    p99: +at(99).toFixed(3),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    elapsedMs: Math.round(elapsed),
  }) + '\n',
);
