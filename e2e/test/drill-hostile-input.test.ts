// Drill: over 1,000 malformed and hostile requests at `corral server` (support/hostile-manifests
// makes them), in batches over raw HTTP. Each must get a 4xx Status whose message names what is
// wrong; the server must answer /healthz after every batch; nothing may be stored (the lists and
// the store's revision are as before). A sample goes through `corral apply -f` too.
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { hostileCases, TARGET_PLURALS, type HostileCase } from './support/hostile-manifests.js';
import { startDrillCluster } from './support/drill-cluster.js';

interface Answer {
  status: number;
  body: string;
}

function send(port: number, method: string, path: string, contentType?: string, body?: Buffer): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: false, timeout: 30_000, headers: contentType ? { 'content-type': contentType, 'content-length': body?.length ?? 0 } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', (err) => resolve({ status: res.statusCode ?? 0, body: text || err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    // A server that refuses a huge body may close before reading it all; its answer still counts.
    req.on('error', (err) => resolve({ status: 0, body: `request failed: ${err.message}` }));
    req.end(body);
  });
}

/** What is wrong with the answer to a case, or undefined when it is as it should be. */
function judge(c: HostileCase, answer: Answer): string | undefined {
  if (answer.status < 400 || answer.status > 499) return `HTTP ${answer.status}: ${answer.body.slice(0, 200)}`;
  let status: { kind?: string; status?: string; message?: string; reason?: string; code?: number };
  try {
    status = JSON.parse(answer.body);
  } catch {
    return `HTTP ${answer.status} without a JSON Status: ${answer.body.slice(0, 200)}`;
  }
  if (status.kind !== 'Status' || status.status !== 'Failure') return `not a Failure Status: ${answer.body.slice(0, 200)}`;
  if (!status.message?.trim()) return `HTTP ${answer.status} Status with no message`;
  if (!status.reason && status.code !== 404) return `no reason: ${status.message}`;
  if (!c.mentions.test(status.message)) return `message does not say ${c.mentions}: ${status.message.slice(0, 200)}`;
  return undefined;
}

test('1,000 malformed and hostile manifests: each a 4xx Status that says what, the server up, nothing stored', async (t) => {
  const cluster = await startDrillCluster({ split: true, noAgent: true });
  t.teardown(() => cluster.stop());
  const { port } = cluster;

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const { plural, base } of TARGET_PLURALS) {
      const all = base.replace('/namespaces/default', '');
      const answer = await send(port, 'GET', all);
      t.is(answer.status, 200, answer.body);
      out[plural] = (JSON.parse(answer.body) as { items: unknown[] }).items.length;
    }
    const namespaces = await send(port, 'GET', '/api/v1/namespaces');
    out.namespaces = (JSON.parse(namespaces.body) as { items: unknown[] }).items.length;
    return out;
  };
  const revision = async () => (JSON.parse((await send(port, 'GET', '/api/v1/configmaps')).body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  // Let start-up writes (the DNS Service, the default namespaces) settle first.
  await new Promise((r) => setTimeout(r, 2000));
  const countsBefore = await counts();
  const revisionBefore = await revision();

  const cases = hostileCases(1000);
  t.true(cases.length >= 1000, `${cases.length} cases`);
  const problems: { kind: string; text: string }[] = [];
  const byStatus = new Map<number, number>();
  const BATCH = 50;
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const answers = await Promise.all(batch.map((c) => send(port, c.method, c.path, c.contentType, c.body)));
    batch.forEach((c, j) => {
      const answer = answers[j]!;
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      const problem = judge(c, answer);
      if (problem) problems.push({ kind: `${c.what.replace(/\d+/g, 'N')} -> ${problem.replace(/\d+/g, 'N').slice(0, 60)}`, text: `${c.method} ${c.path.slice(0, 80)} (${c.what}): ${problem}` });
    });
    const health = await send(port, 'GET', '/healthz');
    t.is(health.status, 200, `the server is healthy after batch ${i / BATCH + 1}: ${health.body}`);
  }
  t.log(`${cases.length} requests; answers by HTTP status: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  // One line per kind of problem (the case's description without its serial number), with a count.
  const kinds = new Map<string, { count: number; example: string }>();
  for (const p of problems) {
    const k = kinds.get(p.kind) ?? { count: 0, example: p.text.slice(0, 300) };
    k.count++;
    kinds.set(p.kind, k);
  }
  const countsAfter = await counts();
  const revisionAfter = await revision();

  // The same through `corral apply -f`: a clear error and a non-zero exit code.
  const samples: [string, string, RegExp][] = [
    ['bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: tabbed\n', /bad\.yaml/],
    ['badname.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ../x\n', /metadata\.name/],
    ['types.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: three\n  selector: { matchLabels: { app: web } }\n  template: { metadata: { labels: { app: web } }, spec: { containers: [{ name: c, image: busybox }] } }\n', /spec\.replicas/],
    ['kind.yaml', 'apiVersion: v1\nkind: Gizmo\nmetadata:\n  name: g\n', /Gizmo/],
    ['field.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ncolour: red\n', /colour/],
  ];
  const cliResults: { file: string; code: number; stderr: string; mentions: RegExp }[] = [];
  for (const [file, text, mentions] of samples) {
    await writeFile(join(cluster.dir, file), text);
    const result = await cluster.cli(['apply', '-f', join(cluster.dir, file)]);
    cliResults.push({ file, code: result.code, stderr: result.stderr, mentions });
    t.log(`corral apply -f ${file}: exit ${result.code}: ${result.stderr.trim()}`);
  }
  const countsAfterCli = await counts();

  t.log(`lists before ${JSON.stringify(countsBefore)}, after ${JSON.stringify(countsAfter)}; store revision ${revisionBefore} -> ${revisionAfter}`);
  // Everything was collected first, so a failure below reports every finding at once.
  t.is(problems.length, 0, `${problems.length} answers were not a clear 4xx:\n${[...kinds.values()].map((k) => `${k.count} x ${k.example}`).join('\n')}`);
  t.deepEqual(countsAfter, countsBefore, 'nothing was stored');
  t.is(revisionAfter, revisionBefore, 'the store revision did not move');
  t.is(cluster.children.server!.process.exitCode, null, 'the server is still running');
  for (const r of cliResults) {
    t.not(r.code, 0, `${r.file}: a non-zero exit code`);
    t.regex(r.stderr, r.mentions, `${r.file}: ${r.stderr}`);
  }
  t.deepEqual(countsAfterCli, countsAfter, 'nothing was stored by corral apply');
});
