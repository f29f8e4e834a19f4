import { readFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import {
  ApiError,
  builtinResources,
  findResource,
  validateObject,
  type ApiObject,
  type ResourceDefinition,
  type StatusCause,
} from '../../src/api/index.js';

/** Fixtures stay in the source tree; tests run from core/dist/test/api. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../test/api/fixtures/${name}`, import.meta.url), 'utf8');
}

export function def(kind: string): ResourceDefinition {
  const found = findResource(builtinResources, { kind });
  if (!found) throw new Error(`no built-in kind ${kind}`);
  return found;
}

/** The causes of the Invalid error `obj` is rejected with; fails the test when it is accepted. */
export function causesOf(t: ExecutionContext, obj: unknown, old?: ApiObject): StatusCause[] {
  const error = t.throws(() => validateObject(builtinResources, obj, old), { instanceOf: ApiError });
  t.is(error?.reason, 'Invalid');
  t.is(error?.code, 422);
  return error?.causes ?? [];
}

/** `field reason` per cause, the compact form the tests compare. */
export function summary(causes: readonly StatusCause[]): string[] {
  return causes.map((c) => `${c.field} ${c.reason}`);
}

export function accepted<T extends ApiObject>(obj: unknown, old?: ApiObject): T {
  return validateObject<T>(builtinResources, obj, old);
}

export function pod(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
  };
}

export function template(labels: Record<string, string> = { app: 'web' }, spec: Record<string, unknown> = {}) {
  return {
    metadata: { labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.25' }], ...spec },
  };
}

export function deployment(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  };
}

export function service(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec },
  };
}

export function job(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default' },
    spec: { template: template({ app: 'pi' }, { restartPolicy: 'Never' }), ...spec },
  };
}
