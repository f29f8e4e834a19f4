// Real kubectl (client-go) reading a protobuf watch from Corral. `kubectl run --attach` watches its
// pod through client-go's typed client, whose Accept names protobuf and JSON; a proxy cuts watch
// requests' Accept to protobuf alone, so Corral streams protobuf frames. kubectl asks for the
// pod's logs only once a watch event showed it finished: that request proves it decoded the frames.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useServer } from '../helpers.js';

const STREAM = 'application/vnd.kubernetes.protobuf;stream=watch';

const fx = useServer(test, { backend: 'embedded' });

interface Seen {
  method: string;
  url: string;
  accept: string;
  answered: string;
}

function startProxy(upstream: string, seen: Seen[]): Promise<Server> {
  const target = new URL(upstream);
  const proxy = createServer((req, res) => {
    const headers = { ...req.headers };
    const watch = /[?&]watch=(1|true)(&|$)/.test(req.url ?? '');
    if (watch) headers.accept = STREAM;
    const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      seen.push({ method: req.method!, url: req.url!, accept: String(req.headers.accept ?? ''), answered: String(answer.headers['content-type'] ?? '') });
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

test('kubectl follows a pod through a protobuf watch and acts on what it decoded', async (t) => {
  const { api, server } = fx();
  const ns = await fx().namespace(t);
  const seen: Seen[] = [];
  const proxy = await startProxy(server.url, seen);
  const home = await mkdtemp(join(tmpdir(), 'corral-pb-watch-'));
  t.teardown(async () => {
    await new Promise((resolve) => proxy.close(resolve));
    await rm(home, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const config = join(home, 'kubeconfig');
  await writeFile(
    config,
    `apiVersion: v1\nkind: Config\nclusters: [{name: p, cluster: {server: "${url}"}}]\nusers: [{name: u, user: {}}]\n` +
      `contexts: [{name: p, context: {cluster: p, user: u, namespace: ${ns}}}]\ncurrent-context: p\n`,
  );

  const run = new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      'kubectl',
      ['run', 'pbw', '--image=busybox', '--restart=Never', '--attach', '--pod-running-timeout=40s'],
      { env: { ...process.env, KUBECONFIG: config, HOME: home }, timeout: 55_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });

  // No agent runs here: finish the pod as one would report it, once kubectl is watching.
  const podPath = `/api/v1/namespaces/${ns}/pods/pbw`;
  const deadline = Date.now() + 40_000;
  while (!seen.some((s) => s.url.includes('watch=true') && s.answered === STREAM) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const pod = (await api.get(podPath)).body;
  const finished = await api.put(`${podPath}/status`, { ...pod, status: { phase: 'Succeeded' } });
  t.is(finished.status, 200, finished.text);

  const { output } = await run;
  const watches = seen.filter((s) => /[?&]watch=true/.test(s.url));
  t.true(watches.length > 0, `kubectl watched: ${JSON.stringify(seen)}`);
  // client-go's own Accept names protobuf first; Corral answered the cut one in protobuf frames.
  t.regex(watches[0]!.accept, /^application\/vnd\.kubernetes\.protobuf/);
  t.is(watches[0]!.answered, STREAM);
  t.true(
    seen.some((s) => s.url.startsWith(`${podPath}/log`)),
    `kubectl asked for the logs after seeing the pod finish: ${output}\n${JSON.stringify(seen.map((s) => `${s.method} ${s.url}`))}`,
  );
  t.notRegex(output, /unable to decode|proto: |failed to decode|unmarshal/i);
});
