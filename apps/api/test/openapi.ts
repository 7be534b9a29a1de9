/** The parts of the OpenAPI document (`/docs/json`) the tests read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse>; requestBody?: unknown }>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema: JsonSchema }>;
}

export interface JsonSchema {
  $ref?: string;
  allOf?: JsonSchema[];
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  'x-enum-descriptions'?: string[];
}

export interface DocumentedOperation {
  /** `GET /v1/queues/{queue}/jobs/{id}`. */
  name: string;
  method: string;
  path: string;
  responses: Record<string, OpenApiResponse>;
  /** Whether the operation documents a request body. */
  takesBody: boolean;
}

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, { responses, requestBody }]) => ({
      name: `${method.toUpperCase()} ${path}`,
      method: method.toUpperCase(),
      path,
      responses,
      takesBody: requestBody !== undefined,
    })),
  );
}

/** The `code` enum of an error response (the shared Error schema narrowed), or undefined for any other response. */
export function codesOf(response: OpenApiResponse): { codes: string[]; descriptions: string[] } | undefined {
  const [shared, narrowing] = response.content?.['application/json']?.schema.allOf ?? [];
  if (shared?.$ref !== '#/components/schemas/Error') return undefined;
  const code = narrowing?.properties?.code;
  return { codes: code?.enum ?? [], descriptions: code?.['x-enum-descriptions'] ?? [] };
}

/** Every code an operation declares, over all its statuses. */
export function declaredCodes(operation: DocumentedOperation): string[] {
  return Object.values(operation.responses).flatMap((response) => codesOf(response)?.codes ?? []);
}
