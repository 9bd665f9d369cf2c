import { catalog, ErrorCode, type Service, type StandardSchemaV1 } from '@tether/core';
import type { Declarations } from '../access/declarations.js';
import { missingGrants, type Grants } from '../access/grants.js';
import { ANY, toJsonSchema, type JsonSchema, type JsonSchemaConverter } from './json-schema.js';

/**
 * The OpenRPC version documents declare: the newest that `@open-rpc/meta-schema` (1.14.9, its
 * latest release) validates. The document uses nothing a later 1.x changed.
 */
export const OPENRPC_VERSION = '1.3.2';

/** A method each client implements for the server to call (`this.peer.call(...)`), as discovery lists it. */
export interface ClientMethod {
  /** Its params schema. Default: none (params not described). */
  params?: StandardSchemaV1;
  /** Its result schema. Default: none (any value). */
  result?: StandardSchemaV1;
  /** What it does, for a person. */
  description?: string;
}

/** Options of `rpc.discover` and `server.openrpc()`. */
export interface DiscoveryOptions {
  /** The document's `info`. Default `{ title: 'Tether service', version: '0.0.0' }`. */
  info?: OpenRpcInfo;
  /**
   * What `rpc.discover` shows a caller of what it lacks the grants for: 'hide' leaves it out,
   * 'mark' lists it with `x-denied: { missing }`. Default 'hide'.
   */
  unauthorized?: 'hide' | 'mark';
  /** Methods each client implements for the server to call, listed with `x-implemented-by: "client"`. Default: none. */
  clientMethods?: Readonly<Record<string, ClientMethod>>;
  /**
   * Converts a schema whose validator lacks Standard Schema's JSON Schema interface (zod 4,
   * valibot and arktype have it). Default: such a schema is described as any value.
   */
  toJsonSchema?: JsonSchemaConverter;
}

/** The `info` of an OpenRPC document: what the service is called, and its version. */
export interface OpenRpcInfo {
  /** The service's name. */
  title: string;
  /** The version of its API (not of Tether, nor of OpenRPC). */
  version: string;
  /** What it does, for a person. */
  description?: string;
}

/** An OpenRPC document, as plain JSON. */
export interface OpenRpcDocument {
  /** The OpenRPC version the document follows. */
  readonly openrpc: string;
  /** The service it describes. */
  readonly info: OpenRpcInfo;
  /** Its methods, subscriptions and client methods, as OpenRPC method objects with Tether's `x-` extensions. */
  readonly methods: readonly Record<string, unknown>[];
  /** The shared parts: `errors`, every code Tether answers with. */
  readonly components?: Record<string, unknown>;
}

/** Who the document is for: a caller's grants, or everything (a build-time document). */
export interface Audience {
  /** The caller's grants; `'all'` lists everything with what it requires. */
  readonly grants: Grants | undefined | 'all';
  /** Events per topic the broker keeps, for resumable subscriptions. */
  readonly historySize: number | undefined;
}

interface ContentDescriptor {
  name: string;
  schema: JsonSchema;
  required?: boolean;
}

/** A short message per code, for the document's error objects; typed so that a new code needs one. */
const ERROR_MESSAGES: Record<keyof typeof ErrorCode, string> = {
  ParseError: 'Parse error',
  InvalidRequest: 'Invalid Request',
  MethodNotFound: 'Method not found',
  InvalidParams: 'Invalid params: data.issues lists what the schema rejected',
  InternalError: 'Internal error',
  ConnectionClosed: 'Connection closed, or the server is shutting down',
  Timeout: 'No response within the timeout',
  Overloaded: 'Too many calls in flight on this connection',
  RateLimited: 'Rate limited: retry after data.retryAfterMs',
  Unauthorized: 'Unauthorized: data.missing lists the grants the caller lacks',
  HistoryGap: 'Events asked for are no longer in the history',
  Unavailable: 'A backend the server depends on is unreachable; retry later',
  Cancelled: 'Request cancelled',
};

const ref = (name: keyof typeof ErrorCode) => ({ $ref: `#/components/errors/${name}` });

/** What any call can be answered with, whatever the method. */
const CALL_ERRORS = ['InternalError', 'ConnectionClosed', 'Overloaded', 'RateLimited', 'Unavailable'] as const;

/**
 * Builds the OpenRPC document of what `service` serves: methods with their params and result
 * schemas, subscriptions (`x-subscription`), the methods clients implement (`x-implemented-by`),
 * and the errors Tether answers with, as `components.errors`.
 */
export function openrpcDocument(
  service: Service<any>,
  declarations: Declarations,
  options: DiscoveryOptions,
  audience: Audience,
): OpenRpcDocument {
  const convert = options.toJsonSchema;
  const { methods, subscriptions } = catalog(service);
  const out: Record<string, unknown>[] = [];
  const names = new Set<string>();
  const add = (method: Record<string, unknown>) => {
    const name = method.name as string;
    if (names.has(name)) {
      throw new TypeError(
        `tether: "${name}" is listed twice in the OpenRPC document (a method, a subscription or a client method): rename one`,
      );
    }
    names.add(name);
    out.push(method);
  };
  /** Undefined when the audience may not see it; else the extension members saying what it requires. */
  const access = (requires: readonly string[] | undefined): Record<string, unknown> | undefined => {
    if (!requires) return {};
    if (audience.grants === 'all') return { 'x-requires': requires };
    const missing = missingGrants(audience.grants, requires);
    if (missing.length === 0) return { 'x-requires': requires };
    return options.unauthorized === 'mark' ? { 'x-requires': requires, 'x-denied': { missing } } : undefined;
  };

  for (const method of methods) {
    const requires = declarations.methodGrants.get(method.name);
    const extensions = access(requires);
    if (!extensions) continue;
    add({
      name: method.name,
      ...params(method.params, method.arity, convert),
      result: {
        name: 'result',
        schema: toJsonSchema(declarations.results.get(method.name) ?? method.result, 'output', convert),
      },
      errors: errorRefs(method.params !== undefined, requires !== undefined),
      ...extensions,
    });
  }

  for (const sub of subscriptions) {
    const requires = declarations.subscriptionGrants.get(sub.name);
    const extensions = access(requires);
    if (!extensions) continue;
    add({
      name: sub.name,
      description: `A subscription: open it with rpc.subscribe {"name":"${sub.name}","params":…}; events arrive as rpc.subscription notifications.`,
      ...params(sub.params, sub.arity, convert),
      result: {
        name: 'subscription',
        description: 'The subscription id rpc.subscribe answers.',
        schema: { type: 'string' },
      },
      errors: errorRefs(sub.params !== undefined, requires !== undefined),
      'x-subscription': {
        subscribe: 'rpc.subscribe',
        unsubscribe: 'rpc.unsubscribe',
        notification: 'rpc.subscription',
        event: toJsonSchema(sub.event, 'output', convert),
        resumable: sub.resumable,
        ...(sub.resumable && audience.historySize !== undefined ? { historySize: audience.historySize } : {}),
        gapCode: ErrorCode.HistoryGap,
      },
      ...extensions,
    });
  }
  if (subscriptions.length > 0) for (const method of SUBSCRIPTION_METHODS) add(method);

  for (const [name, method] of Object.entries(options.clientMethods ?? {})) {
    add({
      name,
      ...(method.description !== undefined ? { description: method.description } : {}),
      ...params(method.params, 0, convert),
      result: { name: 'result', schema: toJsonSchema(method.result, 'output', convert) },
      'x-implemented-by': 'client',
    });
  }

  const errors: Record<string, { code: number; message: string }> = {};
  for (const [name, code] of Object.entries(ErrorCode) as Array<[keyof typeof ErrorCode, number]>) {
    errors[name] = { code, message: ERROR_MESSAGES[name] };
  }
  return {
    openrpc: OPENRPC_VERSION,
    info: options.info ?? { title: 'Tether service', version: '0.0.0' },
    methods: out,
    components: { errors },
  };
}

function errorRefs(validated: boolean, guarded: boolean) {
  const names: Array<keyof typeof ErrorCode> = [...CALL_ERRORS];
  if (validated) names.unshift('InvalidParams');
  if (guarded) names.push('Unauthorized');
  return names.map(ref);
}

/**
 * The params as OpenRPC describes them: an object schema by name, a tuple by position. A
 * method without a schema takes its handler's positional params, each any value; a schema
 * that is neither (a union, say) is kept whole in `x-params`.
 */
function params(
  schema: StandardSchemaV1 | undefined,
  arity: number,
  convert: JsonSchemaConverter | undefined,
): { paramStructure: string; params: ContentDescriptor[]; 'x-params'?: JsonSchema } {
  if (!schema) {
    const positional = Array.from({ length: arity }, (_, i) => ({ name: `arg${i}`, schema: ANY }));
    return { paramStructure: arity > 0 ? 'by-position' : 'either', params: positional };
  }
  const json = toJsonSchema(schema, 'input', convert);
  if (typeof json === 'object') {
    const { type, properties, required, items, prefixItems, minItems } = json as Record<string, unknown>;
    if (type === 'object' && typeof properties === 'object' && properties !== null) {
      const needed = new Set(Array.isArray(required) ? required : []);
      return {
        paramStructure: 'by-name',
        params: Object.entries(properties).map(([name, schema]) => ({
          name,
          schema: schema as JsonSchema,
          required: needed.has(name),
        })),
      };
    }
    const tuple = Array.isArray(prefixItems) ? prefixItems : Array.isArray(items) ? items : undefined;
    if (type === 'array' && tuple) {
      const least = typeof minItems === 'number' ? minItems : 0;
      return {
        paramStructure: 'by-position',
        params: tuple.map((schema, i) => ({ name: `arg${i}`, schema: schema as JsonSchema, required: i < least })),
      };
    }
  }
  return { paramStructure: 'either', params: [], 'x-params': json };
}

/** Tether's own subscription methods, listed once when anything is served as a subscription. */
const SUBSCRIPTION_METHODS: Record<string, unknown>[] = [
  {
    name: 'rpc.subscribe',
    description:
      'Opens the subscription `name` (see each x-subscription); `after` and `epoch` resume after the last event seen.',
    paramStructure: 'either',
    params: [
      { name: 'name', schema: { type: 'string' }, required: true },
      { name: 'params', schema: { type: ['array', 'object'] } },
      { name: 'after', schema: { type: 'integer', minimum: 0 } },
      { name: 'epoch', schema: { type: 'string', maxLength: 64 } },
    ],
    result: { name: 'subscription', schema: { type: 'string' } },
    errors: [ref('MethodNotFound'), ref('InvalidParams'), ref('Unauthorized'), ...CALL_ERRORS.map(ref)],
  },
  {
    name: 'rpc.unsubscribe',
    description: 'Closes a subscription; answers whether it was open.',
    paramStructure: 'either',
    params: [{ name: 'subscription', schema: { type: 'string' }, required: true }],
    result: { name: 'closed', schema: { type: 'boolean' } },
    errors: [ref('InvalidParams'), ...CALL_ERRORS.map(ref)],
  },
];
