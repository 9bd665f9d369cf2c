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
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
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

/** The type a schema accepts: what a caller sends. */
export type InferInput<S> = S extends StandardSchemaV1<infer I, unknown> ? I : unknown;

/** The type a schema produces: what a handler receives. */
export type InferOutput<S> = S extends StandardSchemaV1<unknown, infer O> ? O : unknown;

type StandardResult<Output> =
  { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<StandardIssue> };

interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

// The issues echo the caller's input (keys, values in messages), so everything is bounded.
/** Issues listed in `data.issues`; `data.more` counts the rest. */
const MAX_ISSUES = 10;
/** Characters kept of an issue's message, and of the error's message. */
const MAX_MESSAGE = 200;
/** Segments kept of an issue's path, and characters of each. */
const MAX_SEGMENTS = 16;
const MAX_SEGMENT = 64;

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/** One issue as the caller reads it in `data.issues`. */
interface IssueReport {
  path: string[];
  message: string;
}

function report(issue: StandardIssue): IssueReport {
  const path = (issue.path ?? [])
    .slice(0, MAX_SEGMENTS)
    .map((p) => clip(String(typeof p === 'object' && p !== null ? p.key : p), MAX_SEGMENT));
  return { path, message: clip(String(issue.message), MAX_MESSAGE) };
}

/**
 * The -32602 a caller gets: the first issue in the message (`Invalid params: qty: expected
 * number`), at most MAX_ISSUES of them in `data.issues`, and how many more there were.
 */
export function invalidParams(issues: ReadonlyArray<StandardIssue>, method: string): RpcError {
  const listed = issues.slice(0, MAX_ISSUES).map(report);
  const first = listed[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  const others = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  const message = clip(`Invalid params: ${where}${first?.message ?? 'rejected by the schema'}`, MAX_MESSAGE) + others;
  const data: { method: string; issues: IssueReport[]; more?: number } = { method: clip(method, 128), issues: listed };
  if (issues.length > MAX_ISSUES) data.more = issues.length - MAX_ISSUES;
  return new RpcError(ErrorCode.InvalidParams, message, data);
}

/** Validates `value` against `schema`: the schema's output, or an InvalidParams error naming each issue. */
export function validate(schema: StandardSchemaV1, value: unknown, method: string): unknown {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    return result.then((r: StandardResult<unknown>) => {
      if (r.issues) throw invalidParams(r.issues, method);
      return r.value;
    });
  }
  if (result.issues) throw invalidParams(result.issues, method);
  return result.value;
}
