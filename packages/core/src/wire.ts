import type { ErrorObject } from './errors.js';

/** A request id as JSON-RPC 2.0 allows it. */
export type RequestId = string | number | null;

/** Params by position or by name. */
export type Params = readonly unknown[] | Record<string, unknown>;

/** A request (with `id`) or a notification (without). */
export interface RequestMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The method called. */
  method: string;
  /** Its params, by position or by name. */
  params?: Params;
  /** Present in a request, which is answered under the same id; absent in a notification. */
  id?: RequestId;
}

/** A response: exactly one of `result` or `error`. */
export type ResponseMessage = ResultMessage | ErrorMessage;

/** A success response. */
export interface ResultMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The id of the request answered. */
  id: RequestId;
  /** What the method returned. */
  result: unknown;
}

/** An error response. */
export interface ErrorMessage {
  /** Always `'2.0'`. */
  jsonrpc: '2.0';
  /** The id of the request answered; null when it could not be read. */
  id: RequestId;
  /** What went wrong. */
  error: ErrorObject;
}

/** Anything one side may send the other. */
export type Message = RequestMessage | ResponseMessage;

export const isId = (v: unknown): v is RequestId =>
  typeof v === 'string' || v === null || (typeof v === 'number' && Number.isFinite(v));

export const isParams = (v: unknown): v is Params => typeof v === 'object' && v !== null;

/**
 * Builds the text of a success response. The id is re-serialised rather than spliced,
 * so a string id with quotes stays valid JSON.
 */
export function encodeResult(id: RequestId, result: unknown): string {
  // JSON.stringify yields undefined for undefined, functions and symbols: all become null.
  const json = JSON.stringify(result) as string | undefined;
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${json ?? 'null'}}`;
}

export function encodeError(id: RequestId, error: ErrorObject): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":${JSON.stringify(error)}}`;
}

export function encodeRequest(id: number, method: string, params: Params | undefined): string {
  return params === undefined
    ? `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)}}`
    : `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
}

export function encodeNotification(method: string, params: Params | undefined): string {
  return params === undefined
    ? `{"jsonrpc":"2.0","method":${JSON.stringify(method)}}`
    : `{"jsonrpc":"2.0","method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
}
