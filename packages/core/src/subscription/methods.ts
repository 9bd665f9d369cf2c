import type { CallContext, IncomingCall } from '../context.js';
import { ErrorCode, RpcError } from '../errors.js';
import type { MethodTable } from '../methods.js';
import { SUBSCRIBE_METHOD, SUBSCRIPTION_NOTIFICATION, UNSUBSCRIBE_METHOD } from '../protocol.js';
import { isParams, type Params } from '../wire.js';
import type { SubscriptionHandler } from './publisher.js';
import type { PushMessage } from './subscriber.js';

interface SubscribeRequest {
  name: string;
  params: Params | undefined;
  after: number | undefined;
}

const invalid = (why: string) => new RpcError(ErrorCode.InvalidParams, `Invalid params: ${why}`);

/** Accepts `{ name, params?, after? }` or, for hand-written clients, `[name, params?, after?]`. */
function parseSubscribe(raw: unknown): SubscribeRequest {
  const fields = Array.isArray(raw)
    ? { name: raw[0], params: raw[1], after: raw[2] }
    : ((raw ?? {}) as Record<string, unknown>);
  const { name, params, after } = fields;
  if (typeof name !== 'string') throw invalid('"name" must be a string');
  if (params !== undefined && params !== null && !isParams(params)) throw invalid('"params" must be an array or object');
  if (after !== undefined && after !== null && !(Number.isSafeInteger(after) && (after as number) >= 0)) {
    throw invalid('"after" must be a non-negative integer');
  }
  return {
    name,
    params: (params ?? undefined) as Params | undefined,
    after: (after ?? undefined) as number | undefined,
  };
}

/** Registers the three internal methods every service answers: subscribe, unsubscribe, and pushes. */
export function installSubscriptionMethods(
  table: MethodTable,
  handlers: ReadonlyMap<string, SubscriptionHandler<any>>,
): void {
  table.add(
    SUBSCRIBE_METHOD,
    async function (this: CallContext<unknown>) {
      const request = parseSubscribe(this.params);
      const handler = handlers.get(request.name);
      if (!handler) throw new RpcError(ErrorCode.MethodNotFound, 'Subscription not found', { name: request.name });
      const { id, start } = await this.peer.publisher.open(handler, request.name, request.params, request.after, this);
      // The id must reach the subscriber before the first push does.
      (this as IncomingCall<unknown>).afterReply = start;
      return id;
    },
    {},
    true,
  );
  table.add(
    UNSUBSCRIBE_METHOD,
    function (this: CallContext<unknown>) {
      const p = this.params;
      const id = Array.isArray(p) ? p[0] : (p as { subscription?: unknown } | undefined)?.subscription;
      if (typeof id !== 'string') throw invalid('expected [subscriptionId]');
      return this.peer.publisher.close(id);
    },
    {},
    true,
  );
  table.add(
    SUBSCRIPTION_NOTIFICATION,
    function (this: CallContext<unknown>) {
      this.peer.subscriber.receive(this.params as PushMessage);
    },
    {},
    true,
  );
}
