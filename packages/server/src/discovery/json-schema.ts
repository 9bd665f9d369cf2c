import type { StandardSchemaV1 } from '@tether/core';

/** A JSON Schema (draft-07, as OpenRPC 1.x documents use), as plain JSON. */
export type JsonSchema = { readonly [key: string]: unknown } | boolean;

/** Turns a schema into JSON Schema: the input side describes params, the output side results and events. */
export type JsonSchemaConverter = (schema: StandardSchemaV1, io: 'input' | 'output') => JsonSchema | undefined;

/** Standard JSON Schema (standardschema.dev/json-schema): what zod 4, valibot and arktype put beside `validate`. */
interface StandardJsonSchema {
  readonly input: (options: { readonly target: string }) => Record<string, unknown>;
  readonly output: (options: { readonly target: string }) => Record<string, unknown>;
}

/** What describes a value nothing says anything about: any JSON. */
export const ANY: JsonSchema = {};

/**
 * The JSON Schema of `schema`: through Standard Schema's own JSON Schema interface where the
 * validator has it, else through `convert`, else any value. A validator that cannot express a
 * type (a transform, a custom check) makes the schema describe any value rather than fail the document.
 */
export function toJsonSchema(
  schema: StandardSchemaV1 | undefined,
  io: 'input' | 'output',
  convert: JsonSchemaConverter | undefined,
): JsonSchema {
  if (!schema) return ANY;
  try {
    const standard = (schema['~standard'] as { jsonSchema?: StandardJsonSchema }).jsonSchema;
    const json = standard ? standard[io]({ target: 'draft-07' }) : convert?.(schema, io);
    if (json === undefined) return ANY;
    if (typeof json !== 'object' || json === null) return json;
    // The document has one meta-schema; a nested `$schema` names a dialect for no one.
    const { $schema: _dialect, ...rest } = json as Record<string, unknown>;
    return rest;
  } catch {
    return ANY;
  }
}
