// Malformed and hostile requests for the API, made programmatically: a few valid objects, each
// broken in many ways (bad YAML and JSON, wrong types, unknown kinds and fields, names with path
// tricks, deep nesting, wrong apiVersions, namespace mismatches, duplicate keys, huge bodies).
// Each case says what the answer's message must mention for a person to find the problem.

export interface HostileCase {
  /** What is wrong, for the failure report. */
  readonly what: string;
  readonly method: 'POST' | 'PUT';
  readonly path: string;
  readonly contentType: string;
  readonly body: Buffer;
  /** The Status message must match this (a field path, a name, a reason). */
  readonly mentions: RegExp;
}

interface Target {
  readonly plural: string;
  readonly base: string;
  readonly object: (name: string) => Record<string, unknown>;
}

const TARGETS: readonly Target[] = [
  {
    plural: 'pods',
    base: '/api/v1/namespaces/default/pods',
    object: (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] } }),
  },
  {
    plural: 'configmaps',
    base: '/api/v1/namespaces/default/configmaps',
    object: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: 'value' } }),
  },
  {
    plural: 'services',
    base: '/api/v1/namespaces/default/services',
    object: (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }),
  },
  {
    plural: 'deployments',
    base: '/apis/apps/v1/namespaces/default/deployments',
    object: (name) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: { replicas: 1, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }),
  },
  {
    plural: 'jobs',
    base: '/apis/batch/v1/namespaces/default/jobs',
    object: (name) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    }),
  },
];

export const TARGET_PLURALS = TARGETS.map((t) => ({ plural: t.plural, base: t.base }));

const JSON_TYPE = 'application/json';
const YAML_TYPE = 'application/yaml';

function set(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    if (typeof at[key] !== 'object' || at[key] === null) at[key] = {};
    at = (Array.isArray(at[key]) ? (at[key] as unknown[])[0] : at[key]) as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
  return copy;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** Syntax errors: text that is no JSON or YAML document at all. */
function badSyntax(t: Target, n: number): HostileCase[] {
  const good = JSON.stringify(t.object(`syntax-${n}`));
  const jsonBreaks: [string, string][] = [
    ['truncated JSON', good.slice(0, Math.max(1, good.length - 1 - (n % 20)))],
    ['a trailing comma', good.replace(/}$/, ',}')],
    ['single quotes', good.replaceAll('"', "'")],
    ['an unquoted key', good.replace('"kind"', 'kind')],
    ['a bare word', `nonsense${n}`],
    ['an empty body', ''],
    ['a JSON array', `[${good}]`],
    ['a JSON string', JSON.stringify(good)],
    ['a JSON number', String(n)],
    ['JSON null', 'null'],
    ['binary garbage', Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + n) % 256)).toString('latin1')],
    ['a NUL byte in the document', good.replace('{', '{\u0000')],
  ];
  const yamlBreaks: [string, string][] = [
    ['a tab in YAML indentation', `apiVersion: v1\nkind: ${String(t.object('x').kind)}\nmetadata:\n\tname: yaml-${n}\n`],
    ['an unclosed YAML quote', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "yaml-${n}\n`],
    ['YAML with a bad mapping', `apiVersion: v1\nkind: ConfigMap\nmetadata: : :\n  name: yaml-${n}\n`],
    ['YAML with two documents', `${toYamlish(t.object(`yaml-${n}`))}---\n${toYamlish(t.object(`yaml-${n}b`))}`],
    ['a YAML scalar', `just a string ${n}\n`],
    ['a YAML list', `- a\n- b${n}\n`],
    ['YAML with an undefined alias', `apiVersion: v1\nkind: ConfigMap\nmetadata: *nothing${n}\n`],
    ['YAML with a bad indentation', `apiVersion: v1\nkind: ConfigMap\n metadata:\n  name: yaml-${n}\n`],
  ];
  return [
    ...jsonBreaks.map(([what, text]) => ({ what: `${t.plural}: ${what}`, method: 'POST' as const, path: t.base, contentType: JSON_TYPE, body: Buffer.from(text, 'latin1'), mentions: /json|JSON|body|object|decode|parse|unexpected|expected|position|empty|kind/i })),
    ...yamlBreaks.map(([what, text]) => ({ what: `${t.plural}: ${what}`, method: 'POST' as const, path: t.base, contentType: YAML_TYPE, body: Buffer.from(text), mentions: /yaml|YAML|document|line|alias|indent|tab|mapping|object|kind|body/i })),
  ];
}

/** A rough YAML rendering (flow style is valid YAML) for the multi-document case. */
function toYamlish(obj: Record<string, unknown>): string {
  return Object.entries(obj).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join('');
}

/** Fields of the wrong type, each named in the answer. */
function wrongTypes(t: Target, n: number): HostileCase[] {
  const common: [string, unknown, RegExp][] = [
    ['metadata.labels', ['a', 'b'], /metadata\.labels/],
    ['metadata.labels', 'app=x', /metadata\.labels/],
    ['metadata.annotations', 42, /metadata\.annotations/],
    ['metadata.name', 12345, /metadata\.name/],
    ['metadata.name', { nested: true }, /metadata\.name/],
    ['metadata.name', ['x'], /metadata\.name/],
    ['metadata.name', true, /metadata\.name/],
    ['metadata.namespace', 7, /metadata\.namespace/],
    ['metadata.finalizers', 'x', /metadata\.finalizers/],
    ['metadata.ownerReferences', { uid: 1 }, /metadata\.ownerReferences/],
    ['metadata.labels', { app: 5 }, /metadata\.labels/],
    ['metadata.labels', { 'bad key!': 'x' }, /metadata\.labels/],
    ['metadata.labels', { app: 'v'.repeat(64) }, /metadata\.labels/],
    ['metadata', 'nope', /metadata/],
    ['kind', 3, /kind/],
    ['apiVersion', ['v1'], /apiVersion/],
  ];
  const specific: Record<string, [string, unknown, RegExp][]> = {
    pods: [
      ['spec.containers', 'busybox', /spec\.containers/],
      ['spec.containers', [], /spec\.containers/],
      ['spec.containers.image', 42, /spec\.containers\[0\]\.image/],
      ['spec.containers.name', 'UPPER_case', /spec\.containers\[0\]\.name/],
      ['spec.containers.command', 'sleep 1', /spec\.containers\[0\]\.command/],
      ['spec.containers.ports', [{ containerPort: 'eighty' }], /spec\.containers\[0\]\.ports\[0\]\.containerPort/],
      ['spec.containers.ports', [{ containerPort: 70000 }], /spec\.containers\[0\]\.ports\[0\]\.containerPort/],
      ['spec.restartPolicy', 'Sometimes', /spec\.restartPolicy/],
      ['spec.nodeName', 9, /spec\.nodeName/],
      ['spec.terminationGracePeriodSeconds', 'soon', /spec\.terminationGracePeriodSeconds/],
      ['spec', [], /spec/],
    ],
    configmaps: [
      ['data', 'key=value', /data/],
      ['data', { key: 5 }, /data/],
      ['data', { 'bad/key': 'v' }, /data/],
      ['binaryData', { key: '%%%not base64' }, /binaryData/],
      ['immutable', 'yes', /immutable/],
    ],
    services: [
      ['spec.ports', 'eighty', /spec\.ports/],
      ['spec.ports', [{ port: -1 }], /spec\.ports\[0\]\.port/],
      ['spec.ports', [{ port: 'http' }], /spec\.ports\[0\]\.port/],
      ['spec.type', 'Bogus', /spec\.type/],
      ['spec.selector', ['app'], /spec\.selector/],
      ['spec.clusterIP', 'not-an-ip', /spec\.clusterIP/],
    ],
    deployments: [
      ['spec.replicas', 'three', /spec\.replicas/],
      ['spec.replicas', -1, /spec\.replicas/],
      ['spec.replicas', 1.5, /spec\.replicas/],
      ['spec.selector', 'app=x', /spec\.selector/],
      ['spec.template', 'busybox', /spec\.template/],
      ['spec.strategy', { type: 'Sideways' }, /spec\.strategy/],
      ['spec.selector', { matchLabels: { app: 'other' } }, /selector|template/],
    ],
    jobs: [
      ['spec.completions', 'five', /spec\.completions/],
      ['spec.parallelism', -2, /spec\.parallelism/],
      ['spec.backoffLimit', 'many', /spec\.backoffLimit/],
      ['spec.template.spec.restartPolicy', 'Always', /restartPolicy/],
      ['spec.template', [], /spec\.template/],
    ],
  };
  return [...common, ...(specific[t.plural] ?? [])].map(([path, value, mentions]) => ({
    what: `${t.plural}: ${path} = ${JSON.stringify(value).slice(0, 40)}`,
    method: 'POST' as const,
    path: t.base,
    contentType: JSON_TYPE,
    body: json(set(t.object(path.startsWith('metadata.name') ? 'placeholder' : `types-${n}`), path, value)),
    mentions,
  }));
}

/** Names no object may have, in the body and in the URL. */
const BAD_NAMES: readonly string[] = [
  '../x', '..', '.', 'a/b', '/abs', 'a%2Fb', '%2e%2e', 'a\\b', 'UPPER', 'under_score', '-lead', 'trail-', 'sp ace', 'tab\tname',
  'new\nline', 'nul\u0000byte', 'ünïcödé', '名前', 'emoji-😀', 'a'.repeat(254), '', ' ', 'dot..dot', 'a?b', 'a#b', 'a;b', 'a:b',
  'a*b', '<script>', '${HOME}', '$(id)', "quote'", 'dq"x', 'a\u202eb', 'zero\u200bwidth',
];

function badNames(t: Target): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const name of BAD_NAMES) {
    cases.push({ what: `${t.plural}: name ${JSON.stringify(name).slice(0, 30)} in the body`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: json(t.object(name)), mentions: /metadata\.name|name/ });
    // PUT to the name in the URL (percent-encoded, as a client would send it).
    if (name !== '') {
      cases.push({
        what: `${t.plural}: PUT to name ${JSON.stringify(name).slice(0, 30)}`,
        method: 'PUT',
        path: `${t.base}/${encodeURIComponent(name)}`,
        contentType: JSON_TYPE,
        body: json(t.object(name)),
        // A name no object can have cannot name an existing one: 404, or 400 for the name.
        mentions: /name|not found|NUL/,
      });
    }
  }
  return cases;
}

/** Unknown kinds, wrong apiVersions, unknown fields, namespace mismatches, duplicate keys. */
function wrongShapes(t: Target, n: number): HostileCase[] {
  // Each case its own name, so one wrongly stored object cannot hide the answer to another.
  let serial = 0;
  const fresh = () => t.object(`shape-${n}-${serial++}`);
  const raw = () => JSON.stringify(fresh());
  const cases: [string, string, RegExp][] = [
    ['an unknown kind in the body', JSON.stringify({ ...fresh(), kind: `Gizmo${n}` }), /kind|Gizmo/],
    ['no kind', JSON.stringify({ ...fresh(), kind: undefined }), /kind/],
    ['a kind of another resource', JSON.stringify({ ...fresh(), kind: t.plural === 'pods' ? 'Service' : 'Pod' }), /kind/],
    ['apiVersion v2', JSON.stringify({ ...fresh(), apiVersion: 'v2' }), /apiVersion|v2|version/],
    ['apiVersion of another group', JSON.stringify({ ...fresh(), apiVersion: 'nope.example.com/v1' }), /apiVersion|nope\.example\.com|version/],
    ['an empty apiVersion', JSON.stringify({ ...fresh(), apiVersion: '' }), /apiVersion|version/],
    ['an unknown top-level field', JSON.stringify({ ...fresh(), [`extra${n}`]: 1 }), new RegExp(`extra${n}`)],
    ['an unknown metadata field', JSON.stringify(set(fresh(), 'metadata.colour', 'red')), /metadata\.colour|colour/],
    ['a misspelt spec field', JSON.stringify(set(fresh(), t.plural === 'configmaps' ? 'datta' : 'spec.replicaz', 1)), /datta|replicaz/],
    ["a namespace other than the URL's", JSON.stringify(set(fresh(), 'metadata.namespace', `other-${n}`)), /namespace/],
    ['a duplicate key', raw().replace('"metadata":{', `"metadata":{"name":"dup-${n}",`), /duplicate|name/],
    ['a duplicate top-level key', raw().replace('{', '{"kind":"Other",'), /duplicate|kind/],
    ['a status only', JSON.stringify({ apiVersion: fresh().apiVersion, kind: fresh().kind, status: {} }), /name|metadata/],
    ['generateName with a slash', JSON.stringify(set(set(fresh(), 'metadata.name', undefined), 'metadata.generateName', 'a/b-')), /generateName|name/],
  ];
  return cases.map(([what, text, mentions]) => ({ what: `${t.plural}: ${what}`, method: 'POST' as const, path: t.base, contentType: JSON_TYPE, body: Buffer.from(text), mentions }));
}

/** Nesting deep enough to hurt a recursive parser or validator. */
function deepNesting(t: Target, depth: number): HostileCase[] {
  const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const deepArray = '['.repeat(depth) + ']'.repeat(depth);
  const obj = JSON.stringify(t.object(`deep-${depth}`));
  return [
    { what: `${t.plural}: annotations nested ${depth} deep`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: Buffer.from(obj.replace('"metadata":{', `"metadata":{"annotations":${deep},`)), mentions: /annotations|depth|nest|metadata/ },
    { what: `${t.plural}: an unknown field nested ${depth} deep`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: Buffer.from(obj.replace(/}$/, `,"x":${deepArray}}`)), mentions: /\bx\b|depth|nest|field/ },
    { what: `${t.plural}: YAML nested ${depth} deep`, method: 'POST', path: t.base, contentType: YAML_TYPE, body: Buffer.from(`apiVersion: ${String(t.object('x').apiVersion)}\nkind: ${String(t.object('x').kind)}\nmetadata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`), mentions: /metadata|depth|nest|yaml|YAML/ },
  ];
}

/** Bodies over the server's limit, and objects over Kubernetes' size limits. */
function hugeBodies(t: Target): HostileCase[] {
  const obj = t.object('huge');
  return [
    { what: `${t.plural}: a 4 MiB annotation (over the body limit)`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: json(set(obj, 'metadata.annotations', { big: 'x'.repeat(4 << 20) })), mentions: /large|limit|bytes|size|too/i },
    { what: `${t.plural}: 300 KiB of annotations`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: json(set(obj, 'metadata.annotations', { big: 'x'.repeat(300 << 10) })), mentions: /metadata\.annotations/ },
    { what: `${t.plural}: 10,000 labels`, method: 'POST', path: t.base, contentType: JSON_TYPE, body: json(set(obj, 'metadata.labels', Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'.repeat(64)])))), mentions: /metadata\.labels/ },
  ];
}

/** Requests to kinds the server does not serve. */
function unknownResources(n: number): HostileCase[] {
  const body = json({ apiVersion: 'v1', kind: 'Gizmo', metadata: { name: `g${n}` } });
  const paths = [
    `/api/v1/namespaces/default/gizmos${n}`,
    `/apis/nope.example.com/v1/namespaces/default/gizmos`,
    `/apis/apps/v9/namespaces/default/deployments`,
    `/api/v1/namespaces/default/pods/x/nosuchsub${n}`,
    `/api/v1/namespaces/default/pods/../../secrets`,
    `/api/v1/namespaces/%2e%2e/pods`,
    `/api/v1/namespaces/a%2Fb/pods`,
    `/api/v1/namespaces/UPPER/pods`,
  ];
  return paths.map((path) => ({ what: `POST ${path}`, method: 'POST' as const, path, contentType: JSON_TYPE, body, mentions: /not found|could not find|gizmo|nosuchsub|namespace|resource|path|name|version/i }));
}

/** At least `count` cases, cycling through every kind of breakage and target. */
export function hostileCases(count: number): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const t of TARGETS) cases.push(...badNames(t), ...hugeBodies(t));
  for (let n = 0; cases.length < count; n++) {
    const t = TARGETS[n % TARGETS.length]!;
    cases.push(...badSyntax(t, n), ...wrongTypes(t, n), ...wrongShapes(t, n), ...deepNesting(t, [100, 1_000, 10_000, 100_000][n % 4]!));
    if (n % TARGETS.length === 0) cases.push(...unknownResources(n));
  }
  return cases.slice(0, Math.max(count, cases.length));
}
