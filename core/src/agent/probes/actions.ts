import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, Handler, IntOrString } from '../../api/types.js';
import type { RuntimeAdapter } from '../../kernel/contracts/runtime.js';

// The three ways kubelet checks on or talks to a container (probes, postStart, preStop): a
// command through the runtime's exec, an HTTP GET to the pod, a TCP connect.

export interface ActionTarget {
  runtime: RuntimeAdapter;
  containerId: string;
  container: Container;
  /** Where httpGet and tcpSocket go when they name no host: the pod IP, or 127.0.0.1 on the host's network. */
  host: string;
}

export interface ActionResult {
  ok: boolean;
  /** Why it failed, for events and the log. */
  message: string;
}

export async function runAction(handler: Handler, target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  if (handler.exec) return execAction(handler.exec.command ?? [], target, timeoutMs);
  if (handler.httpGet) {
    const h = handler.httpGet;
    return httpAction(h.scheme ?? 'HTTP', h.host || target.host, resolvePort(h.port, target.container), h.path ?? '/', h.httpHeaders ?? [], timeoutMs);
  }
  if (handler.tcpSocket) return tcpAction(handler.tcpSocket.host || target.host, resolvePort(handler.tcpSocket.port, target.container), timeoutMs);
  return { ok: false, message: 'the handler has no exec, httpGet or tcpSocket' };
}

/** A port by number, or by the name of one of the container's ports. */
export function resolvePort(port: IntOrString, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`container ${container.name} has no port named "${port}"`);
  return found.containerPort;
}

async function execAction(command: readonly string[], target: ActionTarget, timeoutMs: number): Promise<ActionResult> {
  const session = await target.runtime.exec(target.containerId, { command });
  let output = '';
  const collect = (chunk: Buffer | string): void => {
    if (output.length < 1024) output += chunk.toString();
  };
  session.stdout.on('data', collect);
  session.stderr.on('data', collect);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const code = await Promise.race([session.exitCode, timeout]);
  clearTimeout(timer);
  if (code === 'timeout') return { ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out after ${timeoutMs / 1000}s` };
  if (code === 0) return { ok: true, message: output.trim() };
  return { ok: false, message: `command ${JSON.stringify(command.join(' '))} exited with ${code}${output.trim() ? `: ${output.trim()}` : ''}` };
}

function httpAction(
  scheme: string,
  host: string,
  port: number,
  path: string,
  headers: readonly { name: string; value: string }[],
  timeoutMs: number,
): Promise<ActionResult> {
  const url = `${scheme.toLowerCase()}://${host.includes(':') ? `[${host}]` : host}:${port}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const send = scheme === 'HTTPS' ? httpsRequest : request;
    const req = send(url, {
      method: 'GET',
      headers: { 'user-agent': 'corral-probe/0.1', accept: '*/*', ...Object.fromEntries(headers.map((h) => [h.name, h.value])) },
      // kubelet does not verify the container's certificate.
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs / 1000}s`)));
    req.on('error', (err) => resolve({ ok: false, message: `Get "${url}": ${err.message}` }));
    req.on('response', (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.end();
  });
}

function tcpAction(host: string, port: number, timeoutMs: number): Promise<ActionResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    socket.once('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
