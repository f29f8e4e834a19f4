// The guestbook's web frontend: the page, and an API that writes to the Redis master and
// reads from the Redis slaves, found through the Services' environment variables.
//   GET /guestbook?cmd=set&key=K&value=V   SET on the master        -> {"message":"Updated"}
//   GET /guestbook?cmd=get&key=K           GET on a slave           -> {"data":"...","role":"slave"}
// Every answer names the pod that served it in the X-Served-By header.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { redis, RedisError } from './redis.mjs';

const env = process.env;
const podName = env.POD_NAME || hostname();
const port = Number(env.PORT || 80);

/** Where a Redis Service is: its env vars (the default), or its DNS name with GET_HOSTS_FROM=dns. */
function service(name) {
  const prefix = name.toUpperCase().replace(/-/g, '_');
  if (env.GET_HOSTS_FROM === 'dns') return { host: name, port: 6379 };
  const host = env[`${prefix}_SERVICE_HOST`];
  if (!host) {
    // The variables exist only for Services created before this pod: ending here lets the
    // restart pick them up.
    console.error(`guestbook: ${prefix}_SERVICE_HOST is not set: create the ${name} Service before the frontend (or set GET_HOSTS_FROM=dns)`);
    process.exit(1);
  }
  return { host, port: Number(env[`${prefix}_SERVICE_PORT`] || 6379) };
}

const master = service('redis-master');
const slaves = service('redis-slave');
const page = readFileSync(new URL('./index.html', import.meta.url));

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'X-Served-By': podName, 'Cache-Control': 'no-store' });
  res.end(body);
}

function json(res, status, value) {
  send(res, status, 'application/json', `${JSON.stringify(value)}\n`);
}

function replyOrThrow(reply) {
  if (reply instanceof RedisError) throw reply;
  return reply;
}

async function guestbook(query) {
  const cmd = query.get('cmd');
  const key = query.get('key');
  if (!key) return [400, { error: 'give the key: ?cmd=get&key=messages' }];
  if (cmd === 'set') {
    const [reply] = await redis(master.host, master.port, [['SET', key, query.get('value') ?? '']]);
    replyOrThrow(reply);
    return [200, { message: 'Updated' }];
  }
  if (cmd === 'get') {
    // ROLE on the same connection tells which kind of server answered the GET.
    const [role, value] = await redis(slaves.host, slaves.port, [['ROLE'], ['GET', key]]);
    return [200, { data: replyOrThrow(value) ?? '', role: replyOrThrow(role)[0] }];
  }
  return [400, { error: `unknown cmd ${JSON.stringify(cmd)}: use cmd=get or cmd=set` }];
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://guestbook');
  if (req.method !== 'GET') return json(res, 405, { error: 'only GET is served' });
  if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', page);
  if (url.pathname === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
  if (url.pathname !== '/guestbook') return json(res, 404, { error: `no page ${url.pathname}` });
  guestbook(url.searchParams).then(
    ([status, value]) => json(res, status, value),
    (err) => json(res, 503, { error: err.message }),
  );
});

server.listen(port, () => {
  console.log(`guestbook frontend ${podName} on port ${port}: writes to ${master.host}:${master.port}, reads from ${slaves.host}:${slaves.port}`);
});

// As a container's first process, Node would otherwise ignore SIGTERM.
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
