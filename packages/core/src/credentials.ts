import { CloseCode } from './close-codes.js';
import type { CallContext, IncomingCall } from './context.js';
import { ErrorCode, RpcError } from './errors.js';
import type { CallerPeer, DispatchHost } from './faces.js';
import { AUTHENTICATE_METHOD, CREDENTIALS_EXPIRED_METHOD } from './protocol.js';
import type { Service } from './service.js';
import { encodeError, type Params } from './wire.js';

/**
 * Checks the credentials a client sends in `rpc.authenticate` on a live connection and returns
 * the connection's new context (`this.data`), given the current one; throws to refuse (an
 * RpcError's message reaches the client, anything else is reported and answered 'Unauthorized').
 */
export type Reauthenticate<Ctx> = (params: Params | undefined, current: Ctx) => Ctx | Promise<Ctx>;

/**
 * Serves `rpc.authenticate` on a service. A success replaces the connection's context and calls
 * `renewed`; a refusal is answered -32004 and then closes the connection with 4401. Of
 * re-authentications that overlap, the last one begun decides. A free function, like
 * serveSubscription, so that a browser bundle leaves it out.
 */
export function serveReauthentication<Ctx>(
  service: Service<Ctx>,
  reauthenticate: Reauthenticate<Ctx>,
  renewed: (peer: CallerPeer<Ctx>) => void = () => {},
): void {
  const latest = new WeakMap<object, number>();
  let tickets = 0;
  service.methods.add(
    AUTHENTICATE_METHOD,
    async function (this: CallContext<Ctx>) {
      const peer = (this as IncomingCall<Ctx>).peer as DispatchHost<Ctx>;
      const ticket = ++tickets;
      latest.set(peer, ticket);
      let next: Ctx;
      try {
        next = await reauthenticate(this.params, this.data);
      } catch (error) {
        if (!(error instanceof RpcError)) peer.reportHandlerError(error, AUTHENTICATE_METHOD);
        const refusal = new RpcError(
          ErrorCode.Unauthorized,
          error instanceof RpcError ? error.message : 'Unauthorized',
          error instanceof RpcError ? error.data : undefined,
        );
        // Answered here, not by the dispatcher: the answer must be on the wire before the close
        // frame. The dispatcher's own answer then goes nowhere, as the transport is gone.
        if (this.id !== undefined) peer.sendRaw(encodeError(this.id, refusal.toJSON()));
        peer.close(CloseCode.Unauthorized, 're-authentication refused');
        throw refusal;
      }
      if (latest.get(peer) === ticket && !peer.closed) {
        peer.replaceData(next);
        renewed(peer);
      }
      return true;
    },
    undefined,
    true,
  );
}

/**
 * Hears `rpc.credentialsExpired` on a service: `listener` gets the grace period in ms the
 * server allows before it closes the connection with 4001.
 */
export function onCredentialsExpired(service: Service<any>, listener: (grace: number) => void): void {
  service.methods.add(
    CREDENTIALS_EXPIRED_METHOD,
    function (this: CallContext<unknown>) {
      const grace = (this.params as { grace?: unknown } | undefined)?.grace;
      listener(typeof grace === 'number' ? grace : 0);
    },
    undefined,
    true,
  );
}
