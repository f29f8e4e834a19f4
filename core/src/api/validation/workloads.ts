// Rules of the workload kinds: a selector that matches the template's labels, the restart
// policies each controller can honour, rollout parameters, and CronJob schedules.
import { isRecord, nonEmptyString } from '../objects.js';
import { labelSelectorAsSelector, selectorFromSet } from '../selectors/Selector.js';
import type { LabelSelector, StatusCause } from '../types.js';
import { cronScheduleProblem } from './cron.js';
import { FieldPath, forbiddenField, invalidValue, requiredValue } from './field.js';
import {
  isEmptyLabelSelector,
  requireOneOf,
  validateLabels,
  validateLabelSelector,
  validateTemplateMeta,
} from './meta.js';
import { validatePodSpec } from './pod.js';

type Rec = Record<string, unknown>;

const SPEC = FieldPath.of('spec');
/** A Job's name plus the 11 characters a CronJob appends must still fit a label value. */
export const CRONJOB_NAME_MAX = 52;
const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function templateLabels(template: unknown): Record<string, string> {
  if (!isRecord(template) || !isRecord(template.metadata) || !isRecord(template.metadata.labels)) return {};
  return template.metadata.labels as Record<string, string>;
}

/** A pod template that a controller restarts with one of `restartPolicies`. */
function validateTemplate(template: unknown, path: FieldPath, restartPolicies: readonly string[], kind: string): StatusCause[] {
  if (template === undefined) return [requiredValue(path)];
  if (!isRecord(template)) return [];
  const causes = validateTemplateMeta(template.metadata, path.child('metadata'));
  causes.push(...validatePodSpec(template.spec, path.child('spec'), { template: true }));
  if (isRecord(template.spec)) {
    causes.push(...requireOneOf(template.spec.restartPolicy, restartPolicies, path.child('spec', 'restartPolicy')));
    if (template.spec.activeDeadlineSeconds !== undefined && !restartPolicies.includes('Never')) {
      causes.push(forbiddenField(path.child('spec', 'activeDeadlineSeconds'), `not supported in the pod template of a ${kind}`));
    }
  }
  return causes;
}

/** A `{matchLabels, matchExpressions}` selector: present, not empty, and matching the template. */
function validateSelectorAgainstTemplate(selector: unknown, template: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(selector)) return [];
  const causes = validateLabelSelector(selector, path.child('selector'));
  if (isEmptyLabelSelector(selector)) {
    const detail = 'empty selector is not allowed: it would select every pod in the namespace';
    causes.push(invalidValue(path.child('selector'), selector, detail));
    return causes;
  }
  if (causes.length > 0 || !isRecord(template)) return causes;
  try {
    if (!labelSelectorAsSelector(selector as LabelSelector).matches(templateLabels(template))) {
      causes.push(invalidValue(path.child('template', 'metadata', 'labels'), templateLabels(template), SELECTOR_MISMATCH));
    }
  } catch {
    // A malformed selector was reported above with its field path.
  }
  return causes;
}

export function validateReplicationControllerSpec(spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [];
  const causes = validateTemplate(spec.template, SPEC.child('template'), ['Always'], 'ReplicationController');
  const selector = isRecord(spec.selector) ? spec.selector : {};
  causes.push(...validateLabels(spec.selector, SPEC.child('selector')));
  if (Object.keys(selector).length === 0) {
    causes.push(requiredValue(SPEC.child('selector')));
  } else if (isRecord(spec.template) && !selectorFromSet(selector as Record<string, string>).matches(templateLabels(spec.template))) {
    causes.push(invalidValue(SPEC.child('template', 'metadata', 'labels'), templateLabels(spec.template), SELECTOR_MISMATCH));
  }
  return causes;
}

export function validateReplicaSetSpec(spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [];
  return [
    ...validateTemplate(spec.template, SPEC.child('template'), ['Always'], 'ReplicaSet'),
    ...validateSelectorAgainstTemplate(spec.selector, spec.template, SPEC),
  ];
}

function intOrPercentCauses(value: unknown, path: FieldPath, maxPercent?: number): StatusCause[] {
  if (typeof value === 'number') return value < 0 ? [invalidValue(path, value, 'must be greater than or equal to 0')] : [];
  if (typeof value !== 'string') return [];
  const match = /^(\d+)%$/.exec(value);
  if (!match) return [invalidValue(path, value, "must be an integer or a percentage (e.g. '25%')")];
  if (maxPercent !== undefined && Number(match[1]) > maxPercent) {
    return [invalidValue(path, value, `must not be greater than ${maxPercent}%`)];
  }
  return [];
}

function isZero(value: unknown): boolean {
  return value === 0 || (typeof value === 'string' && /^0+%$/.test(value));
}

function validateStrategy(strategy: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(strategy)) return [];
  const causes: StatusCause[] = [];
  const rolling = strategy.rollingUpdate;
  if (strategy.type === 'Recreate' && rolling !== undefined) {
    causes.push(forbiddenField(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  }
  if (isRecord(rolling)) {
    const at = path.child('rollingUpdate');
    causes.push(...intOrPercentCauses(rolling.maxSurge, at.child('maxSurge')));
    causes.push(...intOrPercentCauses(rolling.maxUnavailable, at.child('maxUnavailable'), 100));
    if (isZero(rolling.maxSurge) && isZero(rolling.maxUnavailable)) {
      causes.push(invalidValue(at.child('maxUnavailable'), rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return causes;
}

export function validateDeploymentSpec(spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [];
  const causes = [
    ...validateTemplate(spec.template, SPEC.child('template'), ['Always'], 'Deployment'),
    ...validateSelectorAgainstTemplate(spec.selector, spec.template, SPEC),
    ...validateStrategy(spec.strategy, SPEC.child('strategy')),
  ];
  const { progressDeadlineSeconds: deadline, minReadySeconds: minReady } = spec;
  if (typeof deadline === 'number' && typeof minReady === 'number' && deadline <= minReady) {
    causes.push(invalidValue(SPEC.child('progressDeadlineSeconds'), deadline, 'must be greater than minReadySeconds'));
  }
  return causes;
}

/** A Job's spec at `path` (`spec`, or `spec.jobTemplate.spec` in a CronJob). */
export function validateJobSpec(spec: unknown, path: FieldPath): StatusCause[] {
  if (!isRecord(spec)) return [];
  const causes = validateTemplate(spec.template, path.child('template'), ['OnFailure', 'Never'], 'Job');
  if (spec.selector !== undefined) {
    causes.push(...validateSelectorAgainstTemplate(spec.selector, spec.template, path));
  } else if (spec.manualSelector === true) {
    causes.push(requiredValue(path.child('selector'), 'must be given when `manualSelector` is true'));
  }
  if (spec.completionMode === 'Indexed' && spec.completions === undefined) {
    causes.push(requiredValue(path.child('completions'), "must be given when `completionMode` is 'Indexed'"));
  }
  return causes;
}

function timeZoneProblem(zone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return "unknown time zone; use an IANA name such as 'Europe/Paris' or 'UTC'";
  }
}

export function validateCronJob(cronJob: Rec): StatusCause[] {
  const causes: StatusCause[] = [];
  const meta = cronJob.metadata;
  if (isRecord(meta) && nonEmptyString(meta.name) && meta.name.length > CRONJOB_NAME_MAX) {
    causes.push(invalidValue(FieldPath.of('metadata', 'name'), meta.name, `must be no more than ${CRONJOB_NAME_MAX} characters`));
  }
  const spec = cronJob.spec;
  if (!isRecord(spec)) return causes;
  if (nonEmptyString(spec.schedule)) {
    const problem = cronScheduleProblem(spec.schedule);
    if (problem) causes.push(invalidValue(SPEC.child('schedule'), spec.schedule, problem));
  }
  if (nonEmptyString(spec.timeZone)) {
    const problem = timeZoneProblem(spec.timeZone);
    if (problem) causes.push(invalidValue(SPEC.child('timeZone'), spec.timeZone, problem));
  }
  const jobTemplate = spec.jobTemplate;
  if (isRecord(jobTemplate)) {
    const at = SPEC.child('jobTemplate');
    causes.push(...validateTemplateMeta(jobTemplate.metadata, at.child('metadata')));
    causes.push(...validateJobSpec(jobTemplate.spec, at.child('spec')));
  }
  return causes;
}
