import test from 'ava';
import {
  ApiError,
  CauseReasons,
  FieldPath,
  formatCause,
  isApiError,
  requiredValue,
  successStatus,
  toStatus,
  unsupportedValue,
} from '../../src/api/index.js';

test('notFound and alreadyExists name the resource with its group', (t) => {
  const missing = ApiError.notFound('pods', 'web');
  t.deepEqual(missing.status, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'pods "web" not found',
    reason: 'NotFound',
    details: { name: 'web', group: '', kind: 'pods' },
    code: 404,
  });
  const exists = ApiError.alreadyExists({ group: 'apps', resource: 'deployments' }, 'web');
  t.is(exists.code, 409);
  t.is(exists.reason, 'AlreadyExists');
  t.is(exists.message, 'deployments.apps "web" already exists');
  t.deepEqual(exists.status.details, { name: 'web', group: 'apps', kind: 'deployments' });
});

test('invalid is a 422 whose message lists every cause, bracketed when there are several', (t) => {
  const causes = [
    requiredValue(FieldPath.of('spec').child('containers').index(0).child('name')),
    unsupportedValue('spec.restartPolicy', 'Sometimes', ['Always', 'OnFailure', 'Never']),
  ];
  const error = ApiError.invalid('Pod', 'x', causes);
  t.is(error.code, 422);
  t.is(error.reason, 'Invalid');
  t.is(
    error.message,
    'Pod "x" is invalid: [spec.containers[0].name: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"]',
  );
  t.deepEqual(error.causes, [
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].name' },
    {
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      field: 'spec.restartPolicy',
    },
  ]);
  const single = ApiError.invalid({ group: 'apps', kind: 'Deployment' }, 'web', [causes[0]!]);
  t.is(single.message, 'Deployment.apps "web" is invalid: spec.containers[0].name: Required value');
  t.is(single.status.details?.group, 'apps');
});

test('every constructor carries Kubernetes reason and code', (t) => {
  const cases: [ApiError, string, number][] = [
    [ApiError.badRequest('bad'), 'BadRequest', 400],
    [ApiError.unauthorized(), 'Unauthorized', 401],
    [ApiError.forbidden('pods', 'web', 'no'), 'Forbidden', 403],
    [ApiError.methodNotAllowed('PATCH', 'pods'), 'MethodNotAllowed', 405],
    [ApiError.notAcceptable('text/html', ['application/json']), 'NotAcceptable', 406],
    [ApiError.conflict('pods', 'web'), 'Conflict', 409],
    [ApiError.gone('gone'), 'Gone', 410],
    [ApiError.expired('too old resource version: 1 (5)'), 'Expired', 410],
    [ApiError.requestEntityTooLarge(3 * 1024 * 1024), 'RequestEntityTooLarge', 413],
    [ApiError.unsupportedMediaType('text/plain', ['application/json']), 'UnsupportedMediaType', 415],
    [ApiError.tooManyRequests('slow down', 1), 'TooManyRequests', 429],
    [ApiError.internal(new Error('boom')), 'InternalError', 500],
    [ApiError.serviceUnavailable('store down'), 'ServiceUnavailable', 503],
    [ApiError.timeout('took too long'), 'Timeout', 504],
  ];
  for (const [error, reason, code] of cases) {
    t.is(error.reason, reason);
    t.is(error.code, code, reason);
    t.is(error.status.kind, 'Status');
    t.is(error.status.status, 'Failure');
    t.true(error instanceof Error);
  }
  t.regex(ApiError.conflict('pods', 'web').message, /^cannot change pods "web": the object was changed since it was read/);
  t.is(ApiError.forbidden('pods', 'web', 'namespace is terminating').message, 'pods "web" is forbidden: namespace is terminating');
  t.is(ApiError.tooManyRequests('x', 3).status.details?.retryAfterSeconds, 3);
});

test('toStatus turns any error into a Status, and isApiError checks the reason', (t) => {
  t.is(toStatus(ApiError.notFound('pods', 'x')).code, 404);
  const internal = toStatus(new TypeError('oops'));
  t.is(internal.code, 500);
  t.is(internal.message, 'internal error: oops');
  t.true(isApiError(ApiError.gone('x'), 'Gone'));
  t.false(isApiError(ApiError.gone('x'), 'NotFound'));
  t.false(isApiError(new Error('x')));
  t.deepEqual(JSON.parse(JSON.stringify(ApiError.gone('x'))), ApiError.gone('x').status);
  t.is(ApiError.fromStatus(ApiError.gone('y').status).message, 'y');
  t.is(successStatus().status, 'Success');
});

test('causes format as field: message, and field paths use Kubernetes notation', (t) => {
  const path = FieldPath.of('spec').child('containers').index(0).child('ports').index(1).child('containerPort');
  t.is(String(path), 'spec.containers[0].ports[1].containerPort');
  t.is(String(FieldPath.of('metadata', 'labels').key('app.kubernetes.io/name')), 'metadata.labels[app.kubernetes.io/name]');
  t.is(formatCause(requiredValue(path, 'must be set')), 'spec.containers[0].ports[1].containerPort: Required value: must be set');
  t.is(CauseReasons.Unknown, 'FieldValueUnknown');
});
