// `npm run bench -- iptables [--services N]` (root): how long the iptables data path takes to
// program N Services (2 endpoints each) in one go, and then to apply one changed endpoint — a
// partial write of the chains that changed — against the baseline of writing every chain again,
// measured in the same run. Chains carry a prefix of the run's own and are removed after.
import { randomInt } from 'node:crypto';
import type { ServiceTable } from '@corral/core';
import { IptablesProxy } from '@corral/network-iptables';
import { nowMs, round } from '../stats.js';
import type { BenchResult } from '../types.js';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const value = i === -1 ? NaN : Number(args[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function table(n: number, changed = -1, version = 0): ServiceTable {
  return {
    services: Array.from({ length: n }, (_, i) => ({
      namespace: 'bench',
      name: `s${i}`,
      // 198.18.0.0/15: addresses for benchmarks; nothing is sent to them.
      clusterIP: `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
      sessionAffinity: 'None' as const,
      ports: [
        {
          protocol: 'TCP' as const,
          port: 80,
          backends: [
            { ip: `10.250.${(i >> 8) & 255}.${i & 255}`, port: i === changed ? 9000 + version : 8080, ready: true },
            { ip: `10.251.${(i >> 8) & 255}.${i & 255}`, port: 8080, ready: true },
          ],
        },
      ],
    })),
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = nowMs();
  await fn();
  return round(nowMs() - start, 1);
}

export async function run(args: string[]): Promise<BenchResult> {
  if (process.getuid?.() !== 0) throw new Error('the iptables benchmark needs root (it programs real chains, with a prefix of its own)');
  const n = option(args, 'services', 5000);
  const rounds = option(args, 'rounds', 5);
  const prefix = `CB${randomInt(1000, 10000)}-`;
  const partial = new IptablesProxy({ prefix, fullSyncIntervalMs: 3_600_000 });
  const results: Record<string, unknown> = { services: n, chains: 3 * n + 3 };
  try {
    results.initialSyncMs = await timed(() => partial.sync(table(n)));
    const partialMs: number[] = [];
    const fullMs: number[] = [];
    for (let r = 1; r <= rounds; r++) {
      partialMs.push(await timed(() => partial.sync(table(n, r % n, r))));
      // The baseline: the same change with every chain written again (a fresh instance's first sync).
      const full = new IptablesProxy({ prefix, fullSyncIntervalMs: 3_600_000 });
      fullMs.push(await timed(() => full.sync(table(n, r % n, r + 1000))));
      await partial.sync(table(n, r % n, r + 1000));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    results.oneChange = { partialMs: median(partialMs), fullRewriteMs: median(fullMs), chainsWritten: partial.lastPlan?.written };
    return {
      name: 'iptables',
      results,
      targets: [
        {
          what: `one endpoint change with ${n} Services: partial sync ms`,
          value: median(partialMs),
          baseline: median(fullMs),
          target: '<= 10% of a full rewrite (iptables-restore itself reads the whole table first, so it is not free)',
          met: median(partialMs) <= 0.1 * median(fullMs),
        },
      ],
    };
  } finally {
    await partial.close();
  }
}
