import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '@corral/core/api';

// Node selector terms compiled to predicates once per pod, so filtering thousands of nodes only
// reads labels. Semantics are Kubernetes': terms are ORed, a term's expressions and fields are
// ANDed, an empty term matches nothing, NotIn and DoesNotExist match a missing label, Gt and Lt
// compare integers, and matchFields knows only metadata.name (In, NotIn).

export type NodeMatcher = (node: Node) => boolean;

const never: NodeMatcher = () => false;

function requirement(req: NodeSelectorRequirement, read: (node: Node) => string | undefined): NodeMatcher {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In': {
      const set = new Set(values);
      return (node) => {
        const v = read(node);
        return v !== undefined && set.has(v);
      };
    }
    case 'NotIn': {
      const set = new Set(values);
      return (node) => {
        const v = read(node);
        return v === undefined || !set.has(v);
      };
    }
    case 'Exists':
      return (node) => read(node) !== undefined;
    case 'DoesNotExist':
      return (node) => read(node) === undefined;
    case 'Gt':
    case 'Lt': {
      const bound = values.length === 1 ? parseInteger(values[0]!) : undefined;
      if (bound === undefined) return never; // invalid: Kubernetes refuses to match
      const gt = req.operator === 'Gt';
      return (node) => {
        const v = read(node);
        const n = v === undefined ? undefined : parseInteger(v);
        return n !== undefined && (gt ? n > bound : n < bound);
      };
    }
    default:
      return never;
  }
}

function parseInteger(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s.trim()) ? Number(s) : undefined;
}

/** One term: every matchExpressions (labels) and matchFields (metadata.name) entry must hold. */
export function compileTerm(term: NodeSelectorTerm): NodeMatcher {
  const parts: NodeMatcher[] = [];
  for (const req of term.matchExpressions ?? []) parts.push(requirement(req, (node) => node.metadata.labels?.[req.key]));
  for (const req of term.matchFields ?? []) {
    if (req.key !== 'metadata.name' || (req.operator !== 'In' && req.operator !== 'NotIn')) return never;
    parts.push(requirement(req, (node) => node.metadata.name));
  }
  if (parts.length === 0) return never;
  if (parts.length === 1) return parts[0]!;
  return (node) => parts.every((p) => p(node));
}

/** Any of the terms. */
export function compileTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms.map(compileTerm);
  if (compiled.length === 1) return compiled[0]!;
  return (node) => compiled.some((m) => m(node));
}

/**
 * What a node must satisfy for the pod: spec.nodeSelector AND the required node affinity.
 * Undefined when the pod asks for neither.
 */
export function requiredNodeMatcher(pod: Pod): NodeMatcher | undefined {
  const selector = pod.spec.nodeSelector;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const checks: NodeMatcher[] = [];
  if (selector && Object.keys(selector).length > 0) {
    const entries = Object.entries(selector);
    checks.push((node) => {
      const labels = node.metadata.labels;
      return labels !== undefined && entries.every(([k, v]) => labels[k] === v);
    });
  }
  if (required) checks.push(compileTerms(required.nodeSelectorTerms ?? []));
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0];
  return (node) => checks.every((c) => c(node));
}
