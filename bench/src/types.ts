/** What every benchmark returns; `main.ts` prints it as JSON and keeps a copy in `bench/results/`. */
export interface BenchResult {
  /** The benchmark's name, as given to `npm run bench -- NAME`. */
  name: string;
  /** Figures, grouped as the benchmark likes (per backend, per concurrency, ...). */
  results: Record<string, unknown>;
  /** Each target from the issue that set it: the figure, the goal, and whether it was met. */
  targets: BenchTarget[];
}

export interface BenchTarget {
  what: string;
  value: number;
  /** The baseline measured in the same run, when the target is a ratio to one. */
  baseline?: number;
  goal: string;
  met: boolean;
}

/** A benchmark module in `src/benchmarks/<name>.ts` exports `run`. */
export type Benchmark = (args: string[]) => Promise<BenchResult>;
