import { Emitter, type Peer } from '@tether/core';
import { originRefusal } from '../acceptor/acceptor.js';
import { attachServer, installServerApi, type ServerApi, type ServerParts } from '../acceptor/server-base.js';
import { resolveSharedSettings } from '../acceptor/settings.js';
import type { ServerEvents } from '../server-events.js';
import { HttpError } from '../handshake/http-error.js';
import { pathOf } from '../handshake/request.js';
import { isUpgrade, readFetchHandshake, refusalResponse, upgradeRequired } from './fetch-handshake.js';
import type { FetchHandshake, RuntimeServerOptions, RuntimeSettings } from './options.js';
import type { PushedTransport } from './pushed-transport.js';

/** An upgrade request that passed path, capacity, origin and `authenticate`. */
export interface Admitted<Ctx> {
  readonly data: Ctx;
  readonly handshake: FetchHandshake;
}

/** RuntimeServer has every member of ServerApi: the methods every runtime's server shares. */
export interface RuntimeServer<Ctx = undefined> extends ServerApi<Ctx> {}

/**
 * A Tether server on a runtime with fetch-style upgrades (Bun, Deno, Workers): the same
 * methods, events and limits as Node's TetherServer (the ServerApi both have), on the core's
 * Emitter, as workerd has no `node:events`. The runtime's adapter calls `admit` for each
 * request and `accept` with each socket it upgraded.
 */
export class RuntimeServer<Ctx = undefined>
  extends Emitter<ServerEvents<Ctx, FetchHandshake>>
  implements AsyncDisposable
{
  /** The options with their defaults, for the adapter's transports. */
  readonly settings: RuntimeSettings<Ctx>;
  private readonly parts: ServerParts<Ctx, FetchHandshake, PushedTransport>;
  private handshaking = 0;

  constructor(options: RuntimeServerOptions<Ctx> = {}) {
    super();
    this.settings = resolveSharedSettings(options);
    this.parts = attachServer<Ctx, FetchHandshake, PushedTransport>(this, options, this.settings, {
      emit: (event, ...args) => this.emit(event, ...args),
      listenerCount: (event) => this.listenerCount(event),
      // These runtimes frame each send themselves: the encoded text is what every socket is handed.
      pushTo: (message) => (transport) => transport.sendText(message, true),
    });
  }

  /**
   * Checks a request before its upgrade: path (404), upgrade header (426), shutdown and
   * capacity (503), origin (403), then `authenticate`. Returns the connection's context, or
   * the Response that refuses it. For the adapters.
   */
  async admit(request: Request, remoteAddress: string | undefined): Promise<Admitted<Ctx> | Response> {
    const handshake = readFetchHandshake(request, remoteAddress);
    const { path, origins, authenticate } = this.settings;
    if (path !== undefined && pathOf(handshake.url) !== path) return refusalResponse(new HttpError(404));
    if (!isUpgrade(request)) return upgradeRequired();
    const early = this.parts.acceptor.refusal(this.handshaking) ?? originRefusal(origins, handshake.origin);
    if (early) return refusalResponse(early);
    let data: Ctx;
    this.handshaking++;
    try {
      data = authenticate ? await authenticate(handshake) : (undefined as Ctx);
    } catch (error) {
      if (!(error instanceof HttpError)) this.parts.report(error, undefined);
      return refusalResponse(error instanceof HttpError ? error : new HttpError(500));
    } finally {
      this.handshaking--;
    }
    const late = this.parts.acceptor.refusal(this.handshaking, { request: handshake, data });
    return late ? refusalResponse(late) : { data, handshake };
  }

  /** Takes a socket the adapter upgraded after `admit`: makes its peer with the shared service and limits. */
  accept(transport: PushedTransport, admitted: Admitted<Ctx>): Peer<Ctx> {
    return this.parts.acceptor.open(transport, admitted.data, admitted.handshake);
  }
}

installServerApi(RuntimeServer);
