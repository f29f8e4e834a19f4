// A child process for the proxy benchmark: the load generator. It lives for the whole benchmark
// and takes one run per line on stdin ({ targets, seconds, concurrency, keepAlive, source? }): that many
// clients send GET / to the targets (round robin over new connections) for that long, each on a
// keep-alive connection or on a new connection per request; it answers each run with one JSON
// line: requests/s, errors, latency percentiles, how many requests stalled (over 0.9 s: a SYN
// answered late or lost costs a one-second retransmission) and the CPU time it used. `source`
// is the local address its connections come from.
// One long-lived process rather than one per run: a fresh Node.js would spend the first part of
// every short run starting and compiling, which is then charged to whichever path ran.
// The clients are plain sockets writing a ready-made request and reading the reply's length, not
// Node's HTTP client: on a machine of two cores the generator shares the CPU with what it
// measures, so it must cost little per request, or it is the generator that gets measured.
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

interface Run {
  targets: { host: string; port: number }[];
  seconds: number;
  concurrency: number;
  keepAlive: boolean;
  source?: string;
}

/** A request slower than this waited for a retransmitted SYN (the first is resent after 1 s). */
const STALLED_MS = 900;

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /content-length:\s*(\d+)/i;

/** The length of the first complete response in `buf`, or 0 while it is incomplete. */
function responseLength(buf: Buffer): number {
  const head = buf.indexOf(HEADER_END);
  if (head === -1) return 0;
  const m = CONTENT_LENGTH.exec(buf.toString('latin1', 0, head));
  const total = head + HEADER_END.length + (m ? Number(m[1]) : 0);
  return buf.length >= total ? total : 0;
}

async function measure(run: Run): Promise<object> {
  const request = Buffer.from(`GET / HTTP/1.1\r\nHost: bench\r\n${run.keepAlive ? '' : 'Connection: close\r\n'}\r\n`);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const end = performance.now() + run.seconds * 1000;

  /** One client: requests back to back until the time is up. */
  const client = () =>
    new Promise<void>((done) => {
      let socket: Socket | undefined;
      let pending: Buffer = Buffer.alloc(0);
      let start = 0;
      const open = () => {
        const target = run.targets[next++ % run.targets.length]!;
        const s = connect({ host: target.host, port: target.port, noDelay: true, ...(run.source ? { localAddress: run.source } : {}) });
        socket = s;
        pending = Buffer.alloc(0);
        const onClose = () => {
          // Closed before its reply: a failed request; carry on with a new connection.
          errors++;
          socket = undefined;
          send();
        };
        s.on('data', (chunk: Buffer) => {
          pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
          const n = responseLength(pending);
          if (n === 0) return;
          latencies.push(performance.now() - start);
          pending = pending.subarray(n);
          if (!run.keepAlive) {
            // The server closes (Connection: close) and this side closes after it, as HTTP
            // clients do: the server's side keeps the TIME_WAIT, not the generator's ports.
            s.off('close', onClose);
            socket = undefined;
          }
          send();
        });
        s.on('error', () => undefined);
        s.on('close', onClose);
      };
      const send = () => {
        if (performance.now() >= end) {
          socket?.removeAllListeners('close');
          socket?.destroy();
          done();
          return;
        }
        if (!socket) open();
        start = performance.now();
        socket!.write(request);
      };
      send();
    });

  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: run.concurrency }, client));
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  return {
    rps: Math.round((latencies.length * 1000) / elapsed),
    requests: latencies.length,
    errors,
    p50: +at(50).toFixed(3),
    p99: +at(99).toFixed(3),
    max: +(latencies.at(-1) ?? 0).toFixed(3),
    stalled: latencies.filter((l) => l >= STALLED_MS).length,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    elapsedMs: Math.round(elapsed),
  };
}

process.stdout.write(JSON.stringify({ ready: true }) + '\n');
// Runs one at a time, in the order asked.
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  process.stdout.write(JSON.stringify(await measure(JSON.parse(line) as Run)) + '\n');
}
