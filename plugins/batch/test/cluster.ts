// Helpers for the integration tests: a control plane with this plugin, polling, and playing
// the node agent's part by writing Pod status through the API.
import { isApiError, type ApiClient, type ApiObject, type CronJob, type Event, type Job, type Pod, type ResourceRef } from '@corral/core';
import { startTestControlPlane, type TestControlPlane, type TestControlPlaneOptions } from '@corral/core/testing';
import { CRONJOBS, JOBS, PODS } from '../src/resources.js';
export { waitFor } from '@corral/core/testing';

export { CRONJOBS, JOBS, PODS };

const EVENTS: ResourceRef = { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' };

/** Small backoffs so that failing Pods are replaced within a test's time. */
export const FAST_BACKOFF = { podFailureBackoff: { initialMs: 50, maxMs: 200 } };

/** Without `hollow` the test plays the agent itself, and nothing schedules the pods. */
export function startBatchControlPlane(options: Omit<TestControlPlaneOptions, 'plugins'> = {}): Promise<TestControlPlane> {
  const scheduler = options.hollow !== undefined;
  return startTestControlPlane({ scheduler, ...options, plugins: [{ name: '@corral/plugin-batch', options: FAST_BACKOFF }] });
}

/** Polls `check` until it returns a value other than undefined/false; fails after `ms` saying what it waited for. */

export function jobManifest(name: string, spec: Partial<Job['spec']> = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: {
      template: { metadata: { labels: { app: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } },
      ...spec,
    },
  };
}

export async function getJob(client: ApiClient, name: string): Promise<Job> {
  return client.get<Job>(JOBS, name, { namespace: 'default' });
}

export async function podsOfJob(client: ApiClient, name: string): Promise<Pod[]> {
  const list = await client.list<Pod>(PODS, { namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${name}` });
  return list.items;
}

export function isActivePod(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

/** Plays the agent: the Pod runs, or ends with the given phase. A Pod already gone is ignored. */
export async function setPodPhase(client: ApiClient, pod: Pod, phase: 'Running' | 'Succeeded' | 'Failed', restarts = 0): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const terminated = phase === 'Running' ? undefined : { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: now, reason: phase === 'Failed' ? 'Error' : 'Completed' };
  for (;;) {
    let current: Pod;
    try {
      current = await client.get<Pod>(PODS, pod.metadata.name!, { namespace: 'default' });
    } catch (error) {
      if (isApiError(error, 'NotFound')) return;
      throw error;
    }
    const status: Pod['status'] = {
      ...current.status,
      phase,
      conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False', lastTransitionTime: now }],
      containerStatuses: [
        {
          name: 'main',
          ready: phase === 'Running',
          restartCount: restarts,
          image: 'busybox',
          imageID: '',
          state: terminated ? { terminated } : { running: { startedAt: now } },
        },
      ],
    };
    try {
      await client.updateStatus(PODS, { ...current, status }, { namespace: 'default' });
      return;
    } catch (error) {
      if (isApiError(error, 'NotFound')) return;
      if (!isApiError(error, 'Conflict')) throw error;
    }
  }
}

export async function eventsFor(client: ApiClient, obj: ApiObject): Promise<Event[]> {
  const list = await client.list<Event>(EVENTS, { namespace: 'default' });
  return list.items.filter((e) => e.involvedObject.uid === obj.metadata.uid);
}

export async function eventReasons(client: ApiClient, obj: ApiObject): Promise<string[]> {
  return (await eventsFor(client, obj)).map((e) => e.reason ?? '');
}

export async function jobsOfCronJob(client: ApiClient, cronJob: CronJob): Promise<Job[]> {
  const list = await client.list<Job>(JOBS, { namespace: 'default' });
  return list.items.filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cronJob.metadata.uid)).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

export function cronJobManifest(name: string, spec: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/1 * * * *',
      timeZone: 'UTC',
      jobTemplate: { spec: jobManifest(name).spec },
      ...spec,
    },
  };
}
