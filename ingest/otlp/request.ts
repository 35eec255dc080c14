import type protobuf from 'protobufjs';
import { VigilError } from '../../api/errors.js';
import type { DecodeLimits } from '../decode/limits.js';
import type { ResourceScope } from '../rows.js';
import type { FieldPath } from './field-path.js';
import { readOtlpJson } from './json-reader.js';
import type { InstrumentationScope, Resource } from './messages.js';
import { attributesToMap, checkString } from './values.js';

/** The two OTLP/HTTP encodings: `application/x-protobuf` and `application/json`. */
export type OtlpFormat = 'protobuf' | 'json';

/** Decodes an OTLP request body into message objects (see messages.ts). */
export function decodeRequest<T>(type: protobuf.Type, body: Buffer, format: OtlpFormat): T {
  if (format === 'json') return readOtlpJson<T>(type, body);
  try {
    return type.decode(body) as unknown as T;
  } catch (err) {
    throw new VigilError('INGEST_MALFORMED_PROTOBUF', `body is not a valid ${type.name}: ${(err as Error).message}`);
  }
}

/** Lets only VigilError out of a decoder: anything else is a Vigil bug, reported as INTERNAL. */
export function onlyVigilErrors<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError('INTERNAL', 'decoder failed unexpectedly', { cause: err });
  }
}

/** Resource + scope columns shared by every row of one scope; rows share these objects, treat them as read-only. */
export type ScopeColumns = ResourceScope & { ScopeDroppedAttrCount: number };

export interface ResourceColumns {
  ServiceName: string;
  ResourceAttributes: ResourceScope['ResourceAttributes'];
  ResourceSchemaUrl: string;
}

/** ServiceName is the `service.name` resource attribute, `unknown_service` when absent or empty (as the SDKs default it). */
export function readResource(
  resource: Resource | null,
  schemaUrl: string,
  limits: DecodeLimits,
  path: FieldPath,
): ResourceColumns {
  const attributes = resource === null ? {} : attributesToMap(resource.attributes, limits, path, 'resource.attributes');
  return {
    ServiceName: attributes['service.name'] || 'unknown_service',
    ResourceAttributes: attributes,
    ResourceSchemaUrl: checkString(schemaUrl, limits.maxStringBytes, path, 'schemaUrl'),
  };
}

export function readScope(
  resource: ResourceColumns,
  scope: InstrumentationScope | null,
  schemaUrl: string,
  limits: DecodeLimits,
  path: FieldPath,
): ScopeColumns {
  const max = limits.maxStringBytes;
  return {
    ...resource,
    ScopeName: scope === null ? '' : checkString(scope.name, max, path, 'scope.name'),
    ScopeVersion: scope === null ? '' : checkString(scope.version, max, path, 'scope.version'),
    ScopeAttributes: scope === null ? {} : attributesToMap(scope.attributes, limits, path, 'scope.attributes'),
    ScopeDroppedAttrCount: scope === null ? 0 : scope.droppedAttributesCount,
    ScopeSchemaUrl: checkString(schemaUrl, max, path, 'schemaUrl'),
  };
}
