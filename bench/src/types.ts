/** What every benchmark returns; `main.ts` prints it as JSON and keeps a copy in `bench/results/`. */
export interface BenchResult {
  /** The benchmark's name, as given to `npm run bench -- NAME`. */
  name: string;
  /** Figures, grouped as the benchmark likes (per backend, per concurrency, ...). */
  results: Record<string, unknown>;
  /** Each target from the issue that set it: the figure, the goal, and whether it was met. */
  targets: BenchTarget[];
}

/** One target, in the same shape for every benchmark, so `npm run bench -- all` can tabulate them. */
export interface BenchTarget {
  what: string;
  /** Corral's figure. */
  value: number;
  /** The baseline measured in the same run, when there is one. */
  baseline?: number;
  /** value / baseline; filled in from the two when the benchmark does not give it. */
  ratio?: number;
  /** The goal in words, e.g. ">= 1000 pods/s" or "<= 10% of a full rewrite". */
  target: string;
  met: boolean;
}

/** A benchmark module in `src/benchmarks/<name>.ts` exports `run`. */
export type Benchmark = (args: string[]) => Promise<BenchResult>;

/** `target` with its ratio: value / baseline, when the baseline is a positive number. */
export function withRatio(target: BenchTarget): BenchTarget {
  if (target.ratio !== undefined || target.baseline === undefined || !(target.baseline > 0)) return target;
  return { ...target, ratio: Math.round((target.value / target.baseline) * 1000) / 1000 };
}
