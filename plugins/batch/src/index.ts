// Corral plugin: the Job and CronJob controllers (batch/v1).
export { plugin, PLUGIN_NAME } from './BatchPlugin.js';
export { batchOptionsSchema } from './options.js';
export type { BatchOptions } from './options.js';

export { jobController, syncJob, JOB_CONTROLLER_NAME } from './job/JobController.js';
export type { JobControllerOptions } from './job/JobController.js';
export { planJob, DEFAULT_BACKOFF_LIMIT } from './job/planJob.js';
export type { JobPlan, JobPlanInput, PlannedEvent } from './job/planJob.js';
export { backoffDelay, remainingBackoff, DEFAULT_POD_BACKOFF } from './job/podBackoff.js';
export type { PodBackoff } from './job/podBackoff.js';
export { podForJob, LEGACY_CONTROLLER_UID_LABEL, LEGACY_JOB_NAME_LABEL } from './job/podForJob.js';

export { cronJobController, syncCronJob, CRONJOB_CONTROLLER_NAME } from './cronjob/CronJobController.js';
export {
  planCronJob,
  jobsPastHistoryLimits,
  DEFAULT_SUCCESSFUL_JOBS_HISTORY_LIMIT,
  DEFAULT_FAILED_JOBS_HISTORY_LIMIT,
} from './cronjob/planCronJob.js';
export type { ActiveRef, CronJobPlan, CronJobPlanInput, CronJobStatus } from './cronjob/planCronJob.js';
export { parseSchedule, localTimeZone, InvalidScheduleError, MAX_MISSED_RUNS } from './cronjob/schedule.js';
export type { Schedule, ScheduleTimes } from './cronjob/schedule.js';
export { jobForCronJob, jobNameFor, SCHEDULED_TIMESTAMP_ANNOTATION } from './cronjob/jobForCronJob.js';
export { jobFinishedAs, jobFinishTime } from './conditions.js';
