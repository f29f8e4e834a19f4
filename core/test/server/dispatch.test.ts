// The dispatcher serves plain resource URLs without koa; koa serves the rest, resource URLs
// written unusually included. The same request must get the same answer either way: status,
// headers, body. Plus the URL reading, the query parsing, and a TLS user read once per
// connection.
import test, { type ExecutionContext } from 'ava';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { UserInfo } from '../../src/kernel/index.js';
import { parseQuery } from '../../src/server/dispatch/RequestContext.js';
import { parseResourceUrl } from '../../src/server/dispatch/resourceUrl.js';
import { startTestApiServer } from '../../src/testing/index.js';
import { pod, useServer } from './helpers.js';

const fx = useServer(test, { backend: 'embedded' });

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function send(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The same resource URL with its version's first letter percent-encoded: koa's to serve (the dispatcher leaves it). */
function throughKoa(path: string): string {
  return path.replace(/^(\/api\/|\/apis\/[^/]+\/)v/, '$1%76');
}

/** Fields that differ between two writes of the same request. */
const VOLATILE = new Set(['uid', 'creationTimestamp', 'resourceVersion', 'deletionTimestamp', 'name']);

/** What differs between the two sides by design: the spelling of the URL, the names of their pods, ages. */
function unsided(text: string): string {
  return text.replace(/%76/g, 'v').replace(/-(?:disp|koa)\b/g, '').replace(/^(\d+[smhd])+$/, '');
}

function normalized(answer: Answer): unknown {
  const text = answer.body.toString('utf8');
  if (text === '') return text;
  if (!answer.headers['content-type']?.startsWith('application/json')) {
    return unsided(text.replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d{4}-\d\d-\d\dT[\d:]+Z|resourceVersion: "\d+"/g, ''));
  }
  const parse = (json: string): unknown => JSON.parse(json, (key, value: unknown) => (VOLATILE.has(key) ? undefined : typeof value === 'string' ? unsided(value) : value));
  // A watch answers a JSON document per line.
  if (answer.headers['transfer-encoding'] === 'chunked') return text.split('\n').filter((line) => line.trim() !== '').map(parse);
  return parse(text);
}

function comparableHeaders(headers: IncomingHttpHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) if (name !== 'date' && name !== 'content-length') out[name] = value;
  return out;
}

async function sameAnswer(t: ExecutionContext, what: string, method: string, path: string, headers: Record<string, string> = {}, body?: (side: string) => string): Promise<Answer> {
  const { url } = fx().server;
  t.truthy(parseResourceUrl(path), `${path} is the dispatcher's`);
  t.is(parseResourceUrl(throughKoa(path)), undefined, `${throughKoa(path)} is koa's`);
  const direct = await send(url, method, path, headers, body?.('disp'));
  const koa = await send(url, method, throughKoa(path), headers, body?.('koa'));
  t.is(direct.status, koa.status, `${what}: status`);
  t.deepEqual(comparableHeaders(direct.headers), comparableHeaders(koa.headers), `${what}: headers`);
  t.deepEqual(normalized(direct), normalized(koa), `${what}: body`);
  if (method === 'HEAD') t.is(direct.headers['content-length'], koa.headers['content-length'], `${what}: Content-Length`);
  else if (direct.headers['transfer-encoding'] !== 'chunked') t.is(Number(direct.headers['content-length']), direct.body.length, `${what}: Content-Length`);
  return direct;
}

test('resource URLs answer the same through the dispatcher and through koa', async (t) => {
  const ns = await fx().namespace(t);
  const pods = `/api/v1/namespaces/${ns}/pods`;
  const json = (side: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ...pod(`web-${side}`), ...extra });
  for (const side of ['disp', 'koa']) t.is((await send(fx().server.url, 'POST', pods, {}, json(side))).status, 201);

  await sameAnswer(t, 'get', 'GET', `${pods}/web-disp`);
  await sameAnswer(t, 'list', 'GET', pods);
  await sameAnswer(t, 'list as Table', 'GET', pods, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  await sameAnswer(t, 'list as YAML', 'GET', pods, { Accept: 'application/yaml' });
  await sameAnswer(t, 'list as protobuf', 'GET', pods, { Accept: 'application/vnd.kubernetes.protobuf' });
  await sameAnswer(t, 'metadata only', 'GET', pods, { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' });
  await sameAnswer(t, 'pretty, with a selector', 'GET', `${pods}?pretty=true&labelSelector=app%3Dnone`);
  await sameAnswer(t, 'HEAD', 'HEAD', pods);
  await sameAnswer(t, 'missing object', 'GET', `${pods}/nothing`);
  await sameAnswer(t, 'unknown kind', 'GET', `/api/v1/namespaces/${ns}/widgets`);
  await sameAnswer(t, 'unserved version', 'GET', '/apis/apps/v9/deployments');
  await sameAnswer(t, 'wrong method', 'PUT', pods);
  await sameAnswer(t, 'OPTIONS', 'OPTIONS', `${pods}/web-disp`);
  await sameAnswer(t, 'nothing acceptable', 'GET', pods, { Accept: 'text/html' });
  await sameAnswer(t, 'bad query', 'GET', `${pods}?limit=x`);
  await sameAnswer(t, 'bad JSON', 'POST', pods, {}, () => '{"kind":');
  await sameAnswer(t, 'unsupported type', 'POST', pods, { 'Content-Type': 'text/plain' }, (side) => json(side));
  await sameAnswer(t, 'create, dry run', 'POST', `${pods}?dryRun=All`, {}, (side) => json(side));
  const dup = (side: string) => json(side).replace('{"apiVersion"', '{"kind":"Pod","apiVersion"');
  await sameAnswer(t, 'repeated key, Warn', 'POST', `${pods}?dryRun=All&fieldValidation=Warn`, {}, dup);
  await sameAnswer(t, 'repeated key, Strict', 'POST', pods, {}, dup);
  await sameAnswer(t, 'status patch', 'PATCH', `${pods}/web-disp/status`, { 'Content-Type': 'application/merge-patch+json' }, () => '{"status":{"message":"x"}}');
  await sameAnswer(t, 'delete, dry run', 'DELETE', `${pods}/web-disp?dryRun=All`);
  await sameAnswer(t, 'deployments in a group', 'GET', `/apis/apps/v1/namespaces/${ns}/deployments`);
  const watch = await sameAnswer(t, 'watch with a timeout', 'GET', `${pods}?watch=1&timeoutSeconds=1&resourceVersion=0`);
  t.is(watch.headers['transfer-encoding'], 'chunked');
  t.is(watch.body.toString().trim().split('\n').length, 2, 'the current pods as ADDED');
});

test('a Warning quoting text past ASCII goes out escaped, not as a 500', async (t) => {
  const ns = await fx().namespace(t);
  const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"w"},"€\u007f":1}';
  const answer = await send(fx().server.url, 'POST', `/api/v1/namespaces/${ns}/configmaps?fieldValidation=Warn`, {}, body);
  t.is(answer.status, 201, answer.body.toString());
  t.is(answer.headers.warning, '299 - "unknown field \\"\\u20ac\\u007f\\""');
});

test('the dispatcher takes plain resource URLs and leaves everything else to koa', (t) => {
  t.deepEqual(parseResourceUrl('/api/v1/namespaces/a/pods/b?watch=1&x=%20'), {
    group: '',
    version: 'v1',
    prefixSegments: 2,
    path: '/api/v1/namespaces/a/pods/b',
    querystring: 'watch=1&x=%20',
  });
  t.deepEqual(parseResourceUrl('/apis/apps/v1/deployments'), { group: 'apps', version: 'v1', prefixSegments: 3, path: '/apis/apps/v1/deployments', querystring: '' });
  t.is(parseResourceUrl('/api/v1/pods%2Fx')?.path, '/api/v1/pods%2Fx', 'the rest is decoded later, segment by segment');
  for (const url of [
    '/api',
    '/api/',
    '/api/v1',
    '/api/v1/',
    '/apis/apps',
    '/apis/apps/v1',
    '/apis/apps/v1/',
    '/apis//v1/pods',
    '/api/%761/pods',
    '/api/v1/pods#x',
    '/api/v1/pods x',
    '/API/v1/pods',
    '/version',
    '/openapi/v2',
    'http://host/api/v1/pods',
  ]) {
    t.is(parseResourceUrl(url), undefined, url);
  }
});

test('query parameters read as koa reads them', (t) => {
  t.deepEqual({ ...parseQuery('') }, {});
  t.deepEqual({ ...parseQuery('a=1&b=x+y&a=2&c&d=%2F') }, { a: ['1', '2'], b: 'x y', c: '', d: '/' });
  const proto = parseQuery('__proto__=x');
  t.is(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, 'x');
  t.is(Object.getPrototypeOf(proto), Object.prototype);
});

test('over TLS a client certificate names the user of every request on its connection', async (t) => {
  const users: (UserInfo | undefined)[] = [];
  const server = await startTestApiServer({ backend: 'embedded', server: { tls: true, authorize: (user) => void users.push(user) } });
  t.teardown(() => server.close());
  const ca = server.server.caCertificate!;
  const alice = server.server.issueClientCertificate!('alice', ['devs']);
  const get = (agent: Agent, client?: { certificate: string; key: string }) =>
    new Promise<number>((resolve, reject) => {
      const req = httpsRequest(`${server.url}/api/v1/namespaces`, { agent, ca, cert: client?.certificate, key: client?.key }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const kept = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => kept.destroy());
  for (let i = 0; i < 3; i++) t.is(await get(kept, alice), 200);
  t.deepEqual(users, [0, 1, 2].map(() => ({ username: 'alice', groups: ['devs'] })));
  t.true(Object.isFrozen(users[0]) && Object.isFrozen(users[0]!.groups), 'one user object shared by the connection: frozen');
  const anonymous = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => anonymous.destroy());
  t.is(await get(anonymous), 200);
  t.is(users.at(-1), undefined, 'another connection without a certificate: anonymous');
});
