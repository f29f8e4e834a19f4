// OpenAPI documents generated from the kinds' joi schemas: Swagger 2.0 at /openapi/v2 (JSON, or
// protobuf as kubectl asks for it), the /openapi/v3 index and one OpenAPI 3.0 document per
// group-version; enough for kubectl's explain, apply and field validation.
export {
  buildOpenApiV2,
  buildOpenApiV3GroupVersion,
  buildOpenApiV3Paths,
  OpenApiDocuments,
  openApiDocuments,
} from './documents.js';
export type { OpenApiV3Index, SerializedDocument } from './documents.js';
export { openApiReply } from './serve.js';
export type { OpenApiReply, OpenApiRequest } from './serve.js';
export { encodeOpenApiV2, OPENAPI_V2_PROTOBUF_TYPE } from './v2proto.js';
export { packageOf } from './naming.js';
export type { GroupVersionKind, JsonSchema } from './types.js';
