import test from 'ava';
import { builtinResources } from '../../../src/api/index.js';
import {
  buildOpenApiV2,
  buildOpenApiV3Paths,
  encodeOpenApiV2,
  OPENAPI_V2_PROTOBUF_TYPE,
  openApiDocuments,
  openApiReply,
} from '../../../src/server/openapi/index.js';
import { asJson, decodeProto, sub, text, type Decoded } from './helpers.js';

const docs = openApiDocuments(builtinResources);
const PROTO_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** NamedAny vendor extensions of a decoded message, as name -> parsed YAML (JSON) value. */
function extensions(m: Decoded, fieldNo: number): Record<string, unknown> {
  return Object.fromEntries(sub(m, fieldNo).map((named) => [text(named, 1), JSON.parse(text(sub(named, 2)[0]!, 2)!)]));
}

test('the protobuf v2 document decodes to the same definitions and paths (openapi.v2.Document)', (t) => {
  const json = asJson(buildOpenApiV2(builtinResources));
  const doc = decodeProto(docs.v2Protobuf().bytes);
  t.is(text(doc, 1), '2.0');
  const definitions = sub(sub(doc, 9)[0]!, 1);
  t.deepEqual(definitions.map((d) => text(d, 1)), Object.keys(asJson(json.definitions)));
  const pod = sub(definitions.find((d) => text(d, 1) === 'io.k8s.api.core.v1.Pod')!, 2)[0]!;
  t.deepEqual(extensions(pod, 31)['x-kubernetes-group-version-kind'], [{ group: '', version: 'v1', kind: 'Pod' }]);
  t.deepEqual(pod.get(19)!.map((b) => b.toString()), ['apiVersion', 'kind', 'metadata', 'spec']);
  const props = sub(sub(pod, 25)[0]!, 1).map((p) => text(p, 1));
  t.deepEqual(props, Object.keys(asJson(asJson(asJson(json.definitions)['io.k8s.api.core.v1.Pod']).properties)));

  const container = sub(definitions.find((d) => text(d, 1) === 'io.k8s.api.core.v1.Container')!, 2)[0]!;
  const ports = sub(sub(sub(container, 25)[0]!, 1).find((p) => text(p, 1) === 'ports')!, 2)[0]!;
  t.deepEqual(extensions(ports, 31), { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge' });
  t.is(text(sub(ports, 22)[0]!, 1), 'array');
  t.is(text(sub(sub(ports, 23)[0]!, 1)[0]!, 1), '#/definitions/io.k8s.api.core.v1.ContainerPort');

  const paths = sub(sub(doc, 8)[0]!, 2);
  t.is(paths.length, Object.keys(asJson(json.paths)).length);
  const item = paths.find((p) => text(p, 1) === '/api/v1/namespaces/{namespace}/pods/{name}')!;
  const patch = sub(sub(item, 2)[0]!, 8)[0]!;
  t.deepEqual(extensions(patch, 13)['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Pod' });
  // parameters: ParametersItem.parameter.non_body_parameter.query_parameter_sub_schema.name
  const queryNames = sub(patch, 8)
    .map((pi) => sub(sub(pi, 1)[0]!, 2)[0])
    .filter((nb): nb is Decoded => Boolean(nb))
    .map((nb) => text(sub(nb, 3)[0]!, 4));
  t.true(queryNames.includes('fieldValidation'));
});

test('the protobuf encoder writes numbers, booleans and enums of a schema', (t) => {
  const bytes = encodeOpenApiV2({
    swagger: '2.0',
    definitions: { X: { type: 'integer', minimum: 1, maximum: 65535, uniqueItems: true, enum: ['True', ''], minItems: 300 } },
  });
  const x = sub(sub(sub(decodeProto(bytes), 9)[0]!, 1)[0]!, 2)[0]!;
  t.is((x.get(9)![0] as Buffer).readDoubleLE(0), 1);
  t.is((x.get(7)![0] as Buffer).readDoubleLE(0), 65535);
  t.is(x.get(16)![0], 1);
  t.is(x.get(15)![0], 300);
  t.deepEqual(sub(x, 20).map((a) => JSON.parse(text(a, 2)!)), ['True', '']);
});

test('/openapi/v2 answers protobuf to kubectl and JSON otherwise', (t) => {
  const proto = openApiReply(docs, { path: '/openapi/v2', accept: PROTO_ACCEPT })!;
  t.is(proto.status, 200);
  // Go's mime parser rejects '@' in a media type, so the reply spells the version with a dot.
  t.is(proto.headers['Content-Type'], OPENAPI_V2_PROTOBUF_TYPE);
  t.false(OPENAPI_V2_PROTOBUF_TYPE.includes('@'));
  t.deepEqual(proto.body, docs.v2Protobuf().bytes);
  const json = openApiReply(docs, { path: '/openapi/v2', accept: 'application/json' })!;
  t.is(json.headers['Content-Type'], 'application/json');
  t.deepEqual(JSON.parse(json.body as string), buildOpenApiV2(builtinResources));
  const again = openApiReply(docs, { path: '/openapi/v2', accept: 'application/json', ifNoneMatch: json.headers.ETag })!;
  t.is(again.status, 304);
  t.is(again.body, undefined);
});

test('/openapi/v3 documents are immutable under their hash, and an old hash redirects', (t) => {
  const index = openApiReply(docs, { path: '/openapi/v3' })!;
  t.deepEqual(JSON.parse(index.body as string), buildOpenApiV3Paths(builtinResources));
  const url = new URL(buildOpenApiV3Paths(builtinResources).paths['apis/apps/v1']!.serverRelativeURL, 'http://x');
  const current = openApiReply(docs, { path: url.pathname, query: url.searchParams })!;
  t.is(current.status, 200);
  t.regex(current.headers['Cache-Control']!, /immutable/);
  t.is(JSON.parse(current.body as string).openapi, '3.0.0');
  const stale = openApiReply(docs, { path: url.pathname, query: new URLSearchParams({ hash: 'OLD' }) })!;
  t.is(stale.status, 301);
  t.is(stale.headers.Location, url.pathname + url.search);
  const plain = openApiReply(docs, { path: '/openapi/v3/api/v1' })!;
  t.regex(plain.headers['Cache-Control']!, /no-cache/);
  t.is(openApiReply(docs, { path: '/openapi/v3/apis/apps/v9' }), undefined);
  t.is(openApiReply(docs, { path: '/openapi/v3/apis/apps' }), undefined);
  t.is(openApiReply(docs, { path: '/api/v1' }), undefined);
});
