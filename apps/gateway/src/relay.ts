import { ErrorCode, RpcError, type EventStream, type Params, type StreamSink, type Subscription } from '@tether/core';
import type { BackendPool } from './backend-pool.js';

/** Errors that say the back end went away, not that it refused: the relay moves to another. */
const BACKEND_GONE: ReadonlySet<number> = new Set([
  ErrorCode.ConnectionClosed,
  ErrorCode.Unavailable,
  ErrorCode.Timeout,
]);

/** Back ends tried in a row without one subscription taking, before the subscriber is told. */
const MAX_SWITCHES = 3;

/**
 * A gateway subscription relayed from a back end without loss: each event goes on with its
 * id and epoch, so the browser's resume position is the back end's; when the back end goes away,
 * the relay subscribes on another from the last id it relayed (with its epoch), and the shared
 * broker's history fills the hole. What history no longer holds arrives as an explicit gap, as
 * it would from the back end itself. The subscriber sees an error only when no back end can
 * take the subscription, or one refuses it.
 */
export function relaySubscription(
  pool: BackendPool,
  service: string,
  name: string,
  params: Params | undefined,
  onSwitch: (from: string) => void,
): EventStream {
  let closed = false;
  let current: Subscription<unknown> | undefined;
  let lastId: number | undefined;
  let epoch: string | undefined;

  const subscribeOn = async (sink: StreamSink, avoid: string | undefined): Promise<void> => {
    const backend = await pool.pick(service, name, avoid);
    const sub: Subscription<unknown> = backend.client.subscribe(name, params, {
      ...(lastId === undefined ? {} : { after: lastId }),
      ...(epoch === undefined ? {} : { epoch }),
      onEvent: (data, id) => {
        if (id !== undefined) {
          lastId = id;
          epoch = sub.epoch;
        }
        sink.next(data, id, undefined, sub.epoch);
      },
      onGap: (gap) => {
        sink.gap(gap.after, gap.next, gap.restarted ? { epoch: gap.epoch } : undefined);
        lastId = gap.next - 1;
        if (gap.epoch !== undefined) epoch = gap.epoch;
      },
    });
    current = sub;
    await sub.ready;
    if (closed) {
      void sub.unsubscribe().catch(() => undefined);
      return;
    }
    void watch(sink, sub, backend.key, backend.name);
  };

  /** Waits for the back-end subscription to end, and moves to another back end if its own went away. */
  const watch = async (
    sink: StreamSink,
    sub: Subscription<unknown>,
    key: string,
    backendName: string,
  ): Promise<void> => {
    try {
      // With onEvent set, the iterator yields nothing: it only ends, or throws why.
      for await (const _ of sub);
      if (!closed) sink.done();
      return;
    } catch (error) {
      if (closed) return;
      if (!(error instanceof RpcError) || !BACKEND_GONE.has(error.code)) {
        sink.error(error);
        return;
      }
    }
    onSwitch(backendName);
    let avoid: string | undefined = key;
    for (let attempt = 1; ; attempt++) {
      try {
        await subscribeOn(sink, avoid);
        return;
      } catch (error) {
        if (closed) return;
        const gone = error instanceof RpcError && BACKEND_GONE.has(error.code);
        if (!gone || attempt >= MAX_SWITCHES) {
          sink.error(
            new RpcError(
              ErrorCode.Unavailable,
              `gateway: ${name} lost its back end ${backendName} and could not resubscribe: ${error instanceof Error ? error.message : String(error)}`,
              { after: lastId, epoch },
            ),
          );
          return;
        }
        avoid = undefined;
      }
    }
  };

  return {
    open: async (sink, after, resumeEpoch) => {
      lastId = after;
      epoch = resumeEpoch;
      await subscribeOn(sink, undefined);
    },
    close: () => {
      closed = true;
      void current?.unsubscribe().catch(() => undefined);
    },
  };
}
