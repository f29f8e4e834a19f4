// maxSurge and maxUnavailable: ints or percentages of the desired replicas, rounded as
// Kubernetes rounds them (surge up, unavailable down, so neither bound is ever exceeded).
import type { DeploymentStrategy, IntOrString } from '@corral/core/api';

export function scaledValue(value: IntOrString | undefined, total: number, roundUp: boolean, field = 'value'): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  if (percent) {
    const exact = (Number(percent[1]) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (/^\d+$/.test(value)) return Number(value);
  throw new Error(`${field}: "${value}" is neither an integer nor a percentage like "25%"`);
}

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/** The RollingUpdate bounds for `replicas`; both zero would deadlock, so unavailable becomes 1. */
export function resolveFenceposts(strategy: DeploymentStrategy | undefined, replicas: number): Fenceposts {
  if (strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const rolling = strategy?.rollingUpdate ?? {};
  const maxSurge = scaledValue(rolling.maxSurge ?? '25%', replicas, true, 'spec.strategy.rollingUpdate.maxSurge');
  let maxUnavailable = scaledValue(rolling.maxUnavailable ?? '25%', replicas, false, 'spec.strategy.rollingUpdate.maxUnavailable');
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}
