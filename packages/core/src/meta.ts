import type { Params } from './wire.js';

/**
 * `params._meta`: where a request carries what is about the call rather than an argument of it
 * (a trace context, a progress token), the convention MCP set for JSON-RPC. Only params by name
 * have room for it: positional or absent params carry none, since adding a member there would
 * change what the handler is passed.
 */
export type CallMeta = Readonly<Record<string, unknown>>;

/** Params by name with `meta` merged into their `_meta` (the keys of `meta` win); other params as they are. */
export function withMeta(params: Params | undefined, meta: CallMeta): Params | undefined {
  if (params === undefined || Array.isArray(params)) return params;
  const own = (params as { _meta?: unknown })._meta;
  return { ...params, _meta: typeof own === 'object' && own !== null ? { ...own, ...meta } : meta };
}
