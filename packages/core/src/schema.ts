import { ErrorCode, RpcError } from './errors.js';

/**
 * The part of Standard Schema (standardschema.dev) Tether uses, copied as the spec invites,
 * so zod, valibot or arktype validate params without the core depending on any of them.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema interface, under the key the specification reserves. */
  readonly '~standard': {
    /** The version of the specification: 1. */
    readonly version: 1;
    /** The library that made the schema (`zod`, `valibot`, ...). */
    readonly vendor: string;
    /** Checks a value: its output, or the issues found. */
    readonly validate: (
      value: unknown,
    ) => StandardResult<Output> | Promise<StandardResult<Output>>;
    /** The input and output types, for inference only (never set at run time). */
    readonly types?:
      | {
          /** The type accepted. */
          readonly input: Input;
          /** The type produced. */
          readonly output: Output;
        }
      | undefined;
  };
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

function invalid(issues: ReadonlyArray<StandardIssue>): RpcError {
  return new RpcError(ErrorCode.InvalidParams, 'Invalid params', {
    issues: issues.map((issue) => ({
      message: issue.message,
      path: (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)),
    })),
  });
}

/** Validates params, yielding the schema's output or an InvalidParams error listing each issue. */
export function validateParams(
  schema: StandardSchemaV1,
  params: unknown,
): unknown | Promise<unknown> {
  const result = schema['~standard'].validate(params);
  if (result instanceof Promise) {
    return result.then((r) => {
      if (r.issues) throw invalid(r.issues);
      return r.value;
    });
  }
  if (result.issues) throw invalid(result.issues);
  return result.value;
}
