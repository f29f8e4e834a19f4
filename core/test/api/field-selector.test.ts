import test from 'ava';
import {
  ApiError,
  builtinResources,
  checkFieldSelector,
  compileFieldSelector,
  escapeFieldValue,
  findResource,
  parseFieldSelector,
  SelectorParseError,
  selectableFieldsOf,
  supportedFields,
} from '../../src/api/index.js';

const podDef = findResource(builtinResources, { kind: 'Pod' })!;
const eventDef = findResource(builtinResources, { kind: 'Event' })!;
const configMapDef = findResource(builtinResources, { kind: 'ConfigMap' })!;

const boundPod = {
  metadata: { name: 'web-1', namespace: 'default' },
  spec: { nodeName: 'node-1', containers: [] },
  status: { phase: 'Running' },
};
const pendingPod = { metadata: { name: 'web-2', namespace: 'default' }, spec: { containers: [] }, status: { phase: 'Pending' } };

test('=, == and != parse into requirements', (t) => {
  const selector = parseFieldSelector('status.phase!=Failed,spec.nodeName==node-1, metadata.name = web-1');
  t.deepEqual(selector.requirements, [
    { field: 'metadata.name', operator: '=', value: 'web-1' },
    { field: 'spec.nodeName', operator: '==', value: 'node-1' },
    { field: 'status.phase', operator: '!=', value: 'Failed' },
  ]);
  t.is(selector.toString(), 'metadata.name=web-1,spec.nodeName=node-1,status.phase!=Failed');
  t.is(selector.requiredValue('spec.nodeName'), 'node-1');
  t.is(selector.requiredValue('status.phase'), undefined);
});

test('pods are selected by name, namespace, node and phase; an unbound pod has nodeName ""', (t) => {
  const onNode = compileFieldSelector(podDef, 'spec.nodeName=node-1');
  t.true(onNode(boundPod));
  t.false(onNode(pendingPod));
  const unbound = compileFieldSelector(podDef, 'spec.nodeName=');
  t.false(unbound(boundPod));
  t.true(unbound(pendingPod));
  t.true(compileFieldSelector(podDef, 'status.phase!=Pending,metadata.namespace=default')(boundPod));
  t.false(compileFieldSelector(podDef, 'metadata.name=web-2')(boundPod));
  t.true(compileFieldSelector(podDef, '')(boundPod));
});

test('a definition adds its own fields: Events by involvedObject', (t) => {
  const event = {
    metadata: { name: 'web.1', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default' },
    reason: 'Scheduled',
    source: { component: 'default-scheduler' },
  };
  t.true(compileFieldSelector(eventDef, 'involvedObject.kind=Pod,involvedObject.name=web-1')(event));
  t.true(compileFieldSelector(eventDef, 'source=default-scheduler')(event));
  t.false(compileFieldSelector(eventDef, 'reason=Killing')(event));
  t.is(selectableFieldsOf(eventDef, event)['involvedObject.name'], 'web-1');
});

test('an unknown field is a Bad Request naming the field, the kind and the supported fields', (t) => {
  const error = t.throws(() => compileFieldSelector(podDef, 'spec.hostname=x'), { instanceOf: ApiError });
  t.is(error?.code, 400);
  t.is(
    error?.message,
    'field selector "spec.hostname" is not supported for Pod; supported fields: metadata.name, metadata.namespace, ' +
      'spec.nodeName, spec.restartPolicy, spec.schedulerName, spec.serviceAccountName, status.nominatedNodeName, ' +
      'status.phase, status.podIP',
  );
  t.throws(() => checkFieldSelector(configMapDef, parseFieldSelector('spec.nodeName=x')), {
    message: /not supported for ConfigMap; supported fields: metadata.name, metadata.namespace$/,
  });
  t.deepEqual(supportedFields(configMapDef), ['metadata.name', 'metadata.namespace']);
});

test('values escape \\, comma and = with a backslash', (t) => {
  t.is(escapeFieldValue('a,b=c\\d'), 'a\\,b\\=c\\\\d');
  const selector = parseFieldSelector(`metadata.name=${escapeFieldValue('a,b=c')},status.phase=Running`);
  t.deepEqual(selector.requirements[0], { field: 'metadata.name', operator: '=', value: 'a,b=c' });
  t.is(selector.requirements.length, 2);
});

test('malformed field selectors fail with the position', (t) => {
  const cases: [string, number, RegExp][] = [
    ['status.phase', 0, /"status.phase" has no operator/],
    ['a=b,status', 4, /"status" has no operator/],
    ['=x', 0, /expected a field name before '='/],
    ['a=b=c', 3, /unescaped '=' in the value of "a"/],
    ['a=b\\x', 3, /'\\' may only escape/],
  ];
  for (const [text, position, message] of cases) {
    const error = t.throws(() => parseFieldSelector(text), { instanceOf: SelectorParseError }, text);
    t.is(error?.position, position, text);
    t.regex(error?.message ?? '', message, text);
  }
});
