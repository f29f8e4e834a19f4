// The kinds the batch controllers read and write, as the client and the informers name them.
import type { KindRef } from '@corral/core/kernel';
import type { ResourceRef } from '@corral/core/client';

export { PODS } from '@corral/core/client';

export const POD_KIND: KindRef = { apiVersion: 'v1', kind: 'Pod' };
export const JOB_KIND: KindRef = { apiVersion: 'batch/v1', kind: 'Job' };
export const CRONJOB_KIND: KindRef = { apiVersion: 'batch/v1', kind: 'CronJob' };

export const JOBS: ResourceRef = { group: 'batch', version: 'v1', plural: 'jobs', namespaced: true, kind: 'Job' };
export const CRONJOBS: ResourceRef = { group: 'batch', version: 'v1', plural: 'cronjobs', namespaced: true, kind: 'CronJob' };
