// The one pod a `logs` or `exec` argument names, as kubectl reads it: `NAME` or `pod/NAME`, or
// TYPE/NAME of anything with a selector (deploy, rs, rc, job, sts, ds, svc), standing for its
// first pod.
import { labelSelectorAsSelector } from '../../api/selectors/Selector.js';
import type { ApiObject, LabelSelector, Pod } from '../../api/types.js';
import type { ApiClient } from '../../client/ApiClient.js';
import { CliError } from './connect.js';
import { parseTargets } from './targets.js';

type WithSelector = ApiObject & { spec?: { selector?: LabelSelector | Record<string, string> } };

/** Says which pod it picked out of several on `note` (kubectl's "Found N pods" line). */
export async function podForTarget(client: ApiClient, arg: string, namespace: string, note: (line: string) => void): Promise<Pod> {
  if (!arg.includes('/')) return client.get<Pod>('pods', arg, { namespace });
  const [{ type, names }] = parseTargets([arg]) as [{ type: string; names: string[] }];
  const resource = await client.discovery.resolve(type);
  if (resource.kind === 'Pod') return client.get<Pod>(resource, names[0]!, { namespace });
  const owner = await client.get<WithSelector>(resource, names[0]!, { namespace });
  const raw = owner.spec?.selector;
  if (!raw || Object.keys(raw).length === 0) throw new CliError(`cannot find the pods of ${arg}: it has no selector`);
  // Services and ReplicationControllers have a plain map; the others a LabelSelector.
  const selector = 'matchLabels' in raw || 'matchExpressions' in raw ? (raw as LabelSelector) : { matchLabels: raw as Record<string, string> };
  const pods = await client.list<Pod>('pods', { namespace, labelSelector: labelSelectorAsSelector(selector).toString() });
  const active = pods.items.filter((p) => !p.metadata.deletionTimestamp).sort(mostUsableFirst);
  if (active.length === 0) throw new CliError(`no pods of ${arg} found`);
  if (active.length > 1) note(`Found ${active.length} pods, using pod/${active[0]!.metadata.name}\n`);
  return active[0]!;
}

/** As kubectl picks: on a node, running, ready, then the oldest. */
function mostUsableFirst(a: Pod, b: Pod): number {
  const rank = (p: Pod): number =>
    (p.spec?.nodeName ? 0 : 4) + (p.status?.phase === 'Running' ? 0 : 2) + (p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 0 : 1);
  return rank(a) - rank(b) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
