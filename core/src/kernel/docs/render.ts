import { HookMap } from 'tapable';
import type { HookDoc } from '../hook-doc.js';
import { CORRAL_HOOK_DOCS, createCorralHooks } from '../hooks.js';
import { PROFILE_HOOK_DOCS, createProfileHooks } from '../scheduler/profile-hooks.js';

/** The path of the rendered reference, relative to the repository root. */
export const HOOKS_DOC_PATH = 'docs/hooks.md';

const HEADER = `<!-- Generated from core/src/kernel/hooks.ts and core/src/kernel/scheduler/profile-hooks.ts
     by \`node core/scripts/gen-hooks-doc.mjs\`; edit the tables there, not this file. -->

# Hook reference

Every hook a plugin can tap. The hooks of a process are on \`corral.hooks\`; the scheduler's
extension points are on each scheduler profile's \`profile.hooks\`, and scheduler plugins reach
them through the profile configuration rather than by tapping (see
[writing a plugin](../CONTRIBUTING.md#writing-a-plugin)).

The kind is tapable's, and says how taps combine:

| kind | taps run | the result |
| --- | --- | --- |
| SyncHook, AsyncSeriesHook | one after another, in tap order | none: ordered side effects |
| AsyncParallelHook | all at once | none; the first rejection rejects the call |
| SyncBailHook, AsyncSeriesBailHook | in order until one returns something other than \`undefined\` | that first answer |
| SyncWaterfallHook, AsyncSeriesWaterfallHook | in order, each receiving the previous one's return value | the last return value |
| HookMap | one hook per key: tap \`hooks.x.for(key)\` | as the keyed hook's kind |

Tap order is the order plugins apply (their order in the config's \`plugins\` list) unless a tap
passes \`stage\` (lower runs first, default 0) or \`before\` (a tap name). Sync hooks take \`tap\`;
async hooks take \`tapPromise\` (an async function).
`;

/** Renders docs/hooks.md from the hook tables; a test keeps the file equal to this. */
export function renderHooksDoc(): string {
  const sections: string[] = [HEADER];
  const corral = createCorralHooks();
  const profile = createProfileHooks();
  sections.push(...renderAreas('corral.hooks', corral, CORRAL_HOOK_DOCS));
  sections.push(...renderAreas('profile.hooks', profile, PROFILE_HOOK_DOCS));
  return sections.join('\n');
}

function renderAreas(owner: string, hooks: Readonly<Record<string, unknown>>, docs: Readonly<Record<string, HookDoc>>): string[] {
  const areas = new Map<string, string[]>();
  for (const [name, doc] of Object.entries(docs)) {
    const entry = renderHook(owner, name, hooks[name], doc);
    areas.set(doc.area, [...(areas.get(doc.area) ?? []), entry]);
  }
  return [...areas].map(([area, entries]) => `## ${area}\n\n${entries.join('\n')}`);
}

function renderHook(owner: string, name: string, hook: unknown, doc: HookDoc): string {
  const keyed = hook instanceof HookMap;
  const instance = keyed ? hook.for('example') : hook;
  const kind = (instance as { constructor: { name: string } }).constructor.name;
  const args = ((instance as { _args?: string[] })._args ?? []).join(', ');
  const call = keyed ? `${owner}.${name}.for(name)` : `${owner}.${name}`;
  const lines = [
    `### \`${name}\``,
    '',
    `\`${call}\`: ${keyed ? `HookMap of ${kind}` : kind}(${args})`,
    '',
    `- **Receives:** ${doc.receives}`,
    `- **Returns:** ${doc.returns}`,
    `- **When:** ${doc.when}`,
    `- **May be slow:** ${doc.mayBeSlow ? 'yes' : 'no: return quickly, without I/O'}`,
  ];
  if (doc.notes) lines.push(`- **Notes:** ${doc.notes}`);
  return lines.join('\n') + '\n';
}
