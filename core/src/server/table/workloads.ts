// Rows for the workload kinds: ReplicationController, ReplicaSet, Deployment, Job, CronJob.

import type { Condition, CronJob, Deployment, Job, ReplicaSet, ReplicationController } from '../../api/index.js';
import { age, duration } from './age.js';
import {
  ageColumn,
  column,
  containerCells,
  formatLabels,
  formatSelector,
  nameColumn,
  nameOf,
  NONE,
  selectorString,
  wide,
} from './format.js';
import type { Printer, TableColumnDefinition } from './types.js';

const templateColumns: TableColumnDefinition[] = [
  column('Containers', 'Names of each container in the template.', wide),
  column('Images', 'Images referenced by each container in the template.', wide),
  column('Selector', 'The label selector for the pods it manages.', wide),
];

const replicaColumns: TableColumnDefinition[] = [
  nameColumn,
  column('Desired', 'The number of replicas asked for.', { type: 'integer' }),
  column('Current', 'The number of replicas that exist.', { type: 'integer' }),
  column('Ready', 'The number of replicas that are ready.', { type: 'integer' }),
  ageColumn,
  ...templateColumns,
];

export const replicationControllerPrinter: Printer<ReplicationController> = {
  columns: replicaColumns,
  cells(rc, ctx) {
    return [
      nameOf(rc.metadata),
      rc.spec?.replicas ?? 1,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      age(rc.metadata.creationTimestamp, ctx.now),
      ...containerCells(rc.spec?.template?.spec?.containers),
      formatLabels(rc.spec?.selector),
    ];
  },
};

export const replicaSetPrinter: Printer<ReplicaSet> = {
  columns: replicaColumns,
  cells(rs, ctx) {
    return [
      nameOf(rs.metadata),
      rs.spec?.replicas ?? 1,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs.metadata.creationTimestamp, ctx.now),
      ...containerCells(rs.spec?.template?.spec?.containers),
      formatSelector(rs.spec?.selector),
    ];
  },
};

export const deploymentPrinter: Printer<Deployment> = {
  columns: [
    nameColumn,
    column('Ready', 'Ready replicas out of those asked for.'),
    column('Up-to-date', 'Replicas running the current template.'),
    column('Available', 'Replicas available to users (ready for at least minReadySeconds).'),
    ageColumn,
    ...templateColumns,
  ],
  cells(d, ctx) {
    return [
      nameOf(d.metadata),
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d.metadata.creationTimestamp, ctx.now),
      ...containerCells(d.spec?.template?.spec?.containers),
      selectorString(d.spec?.selector),
    ];
  },
};

const isTrue = (conditions: Condition[] | undefined, type: string): boolean =>
  conditions?.find((c) => c.type === type)?.status === 'True';

export const jobPrinter: Printer<Job> = {
  columns: [
    nameColumn,
    column('Status', 'Running, Complete, Failed, Suspended, FailureTarget or Terminating.'),
    column('Completions', 'Succeeded pods out of the completions asked for.'),
    column('Duration', 'How long the job ran, or has been running.'),
    ageColumn,
    ...templateColumns,
  ],
  cells(job, ctx) {
    const spec = job.spec ?? ({} as Job['spec']);
    const status = job.status ?? {};
    const succeeded = status.succeeded ?? 0;
    const parallelism = spec.parallelism ?? 0;
    const completions =
      spec.completions !== undefined ? `${succeeded}/${spec.completions}` :
      parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    const conditions = status.conditions;
    const state =
      isTrue(conditions, 'Complete') ? 'Complete' :
      isTrue(conditions, 'Failed') ? 'Failed' :
      job.metadata.deletionTimestamp ? 'Terminating' :
      isTrue(conditions, 'Suspended') ? 'Suspended' :
      isTrue(conditions, 'FailureTarget') ? 'FailureTarget' : 'Running';
    return [
      nameOf(job.metadata),
      state,
      completions,
      duration(status.startTime, status.completionTime, ctx.now),
      age(job.metadata.creationTimestamp, ctx.now),
      ...containerCells(spec.template?.spec?.containers),
      formatSelector(spec.selector),
    ];
  },
};

export const cronJobPrinter: Printer<CronJob> = {
  columns: [
    nameColumn,
    column('Schedule', 'The cron schedule.'),
    column('Timezone', 'The time zone of the schedule.'),
    column('Suspend', 'Whether new runs are held back.', { type: 'boolean' }),
    column('Active', 'The number of jobs running now.', { type: 'integer' }),
    column('Last Schedule', 'How long ago a job was last scheduled.'),
    ageColumn,
    ...templateColumns,
  ],
  cells(cj, ctx) {
    const spec = cj.spec ?? ({} as CronJob['spec']);
    const last = cj.status?.lastScheduleTime;
    return [
      nameOf(cj.metadata),
      spec.schedule ?? '',
      spec.timeZone ?? NONE,
      spec.suspend ?? false,
      cj.status?.active?.length ?? 0,
      last ? age(last, ctx.now) : NONE,
      age(cj.metadata.creationTimestamp, ctx.now),
      ...containerCells(spec.jobTemplate?.spec?.template?.spec?.containers),
      formatSelector(spec.jobTemplate?.spec?.selector),
    ];
  },
};
