// Taints and tolerations, as the scheduler and the node lifecycle controller both read them.
import type { Taint, Toleration } from './types.js';

/** Whether one toleration tolerates one taint (Kubernetes' Toleration.ToleratesTaint). */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** Whether any of `tolerations` tolerates `taint`. */
export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return tolerations !== undefined && tolerations.some((t) => toleratesTaint(t, taint));
}
