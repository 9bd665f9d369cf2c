import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { RpcError } from '@tether/core';
import { ERROR_TYPE, RPC_RESPONSE_STATUS_CODE } from './semconv.js';

/** The attributes a failed call's span and duration carry: its JSON-RPC code, or `_OTHER` for a thrown non-RpcError. */
export function failureAttributes(error: unknown): Attributes {
  if (error instanceof RpcError) {
    const code = String(error.code);
    return { [RPC_RESPONSE_STATUS_CODE]: code, [ERROR_TYPE]: code };
  }
  // The caller sees -32603 for it (the dispatcher's rule): the span says so, and that it was not an RpcError.
  return { [RPC_RESPONSE_STATUS_CODE]: '-32603', [ERROR_TYPE]: '_OTHER' };
}

/** Ends `span` with the call's outcome: OK is left unset, as the conventions ask; an error sets status and attributes. */
export function endSpan(span: Span, error: unknown, failed: boolean): void {
  if (failed) {
    span.setAttributes(failureAttributes(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
