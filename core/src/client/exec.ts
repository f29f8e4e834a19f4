// pods/exec over Kubernetes' WebSocket channel protocol (v5.channel.k8s.io, else v4): each
// binary message starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 the final Status,
// 4 terminal resize; v5 adds 255 to close a channel (stdin's end).
import { ApiError } from '../api/errors.js';
import type { Status } from '../api/types.js';
import { resourcePath } from './paths.js';
import type { Transport } from './transport.js';
import { awaitUpgrade, upgradeHeaders } from './websocket.js';

export interface PodExecOptions {
  namespace: string;
  container?: string;
  command: readonly string[];
  stdin?: NodeJS.ReadableStream;
  stdout?: { write(data: Buffer): unknown };
  stderr?: { write(data: Buffer): unknown };
  tty?: boolean;
}

export interface ExecResult {
  /** The command's exit code: 0 on Success, the ExitCode cause of a NonZeroExitCode failure. */
  exitCode: number;
  status: Status;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };

export async function execInPod(transport: Transport, pod: string, options: PodExecOptions): Promise<ExecResult> {
  const query = new URLSearchParams();
  for (const arg of options.command) query.append('command', arg);
  if (options.container) query.set('container', options.container);
  if (options.stdin) query.set('stdin', 'true');
  query.set('stdout', 'true');
  if (!options.tty) query.set('stderr', 'true');
  if (options.tty) query.set('tty', 'true');
  const url = transport.url(resourcePath(PODS, { namespace: options.namespace, name: pod, subresource: 'exec' }), query);
  const { headers, key } = upgradeHeaders(PROTOCOLS);
  const req = transport.requestFn(url, transport.requestOptions('GET', headers));
  const ws = await awaitUpgrade(req, key);
  return new Promise<ExecResult>((resolve, reject) => {
    let status: Status | undefined;
    ws.on('message', (message: Buffer) => {
      const channel = message[0];
      const data = message.subarray(1);
      if (channel === 1) options.stdout?.write(data);
      else if (channel === 2) options.stderr?.write(data);
      else if (channel === 3 && data.length > 0) status = JSON.parse(data.toString('utf8')) as Status;
    });
    ws.once('error', reject);
    ws.once('close', () => {
      if (!status) return reject(new Error('the exec stream ended without a status from the server'));
      const result = toResult(status);
      if (result) resolve(result);
      else reject(ApiError.fromStatus({ ...status, code: status.code ?? 500 }));
    });
    ws.start();
    if (options.stdin) {
      options.stdin.on('data', (chunk: Buffer | string) => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(chunk)])));
      options.stdin.once('end', () => {
        if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
      });
    }
  });
}

/** Success and non-zero exits are results; any other failure is an error. */
function toResult(status: Status): ExecResult | undefined {
  if (status.status === 'Success') return { exitCode: 0, status };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause) return { exitCode: Number(cause.message) || 1, status };
  return undefined;
}
