import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import { describeError, describeStatus } from './node-failure.js';
import type { WebSocketConstructor } from './types.js';

type SendData = Parameters<WebSocket['send']>[0];
type SendFlags = { mask?: boolean; binary?: boolean; compress?: boolean; fin?: boolean };

/** `ws`'s frame encoder: exported by the package, absent from @types/ws. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}

const { Sender } = wsModule as unknown as { Sender: SenderStatic };

/**
 * Bytes a tick's sends may hold before they are written and holding starts again: small frames
 * leave together, large ones in parts the server can start on (as the server's own writes do).
 */
const CORK_BYTES = 16 * 1024;

/**
 * A whole text frame, masked by ws with its random masking keys. `readOnly` makes ws copy the
 * payload into the header's buffer as it masks: one buffer per frame, where `send` writes two.
 */
const MASKED_TEXT = { fin: true, rsv1: false, opcode: 1, mask: true, readOnly: true } as const;

/**
 * The client of `ws`, made to remember the HTTP status of a refused upgrade so that a 401
 * or 403 can stop the reconnect loop (a browser never learns the status), to say why it failed
 * to open, and to send the frames of one tick in one write.
 */
class NodeWebSocket extends WebSocket {
  upgradeStatus: number | undefined;
  failure: string | undefined;
  /** The TCP socket under the WebSocket, from the upgrade response. */
  #tcp: Socket | undefined;
  #corked = false;
  /** Whether frames can go straight to the socket: no extension (compression) was negotiated. */
  #framesItself = false;

  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    this.once('upgrade', (response: IncomingMessage) => {
      this.#tcp = response.socket;
    });
    // Read once: `extensions` is built on each read, and send checks readyState for the rest.
    this.once('open', () => {
      this.#framesItself = this.extensions === '';
    });
    this.on('error', (error: Error) => {
      // The first error is the cause; a refused upgrade has said why before it terminates.
      this.failure ??= describeError(error);
    });
    this.once('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      this.upgradeStatus = response.statusCode;
      this.failure = describeStatus(response.statusCode ?? 0);
      response.resume();
      // What ws does when nobody listens for the event: fail the handshake, so that
      // 'error' and then 'close' (1006) follow as for any failed connect.
      this.terminate();
    });
  }

  /**
   * Holds the frames sent in this tick in the socket until the next one, so that calls made
   * together (awaits that resolve at once) leave in one syscall instead of one each: at 64
   * calls in flight this halved the client's CPU per call.
   */
  override send(data: SendData, callback?: (error?: Error) => void): void;
  override send(data: SendData, options: SendFlags, callback?: (error?: Error) => void): void;
  override send(data: SendData, optionsOrCallback?: unknown, callback?: unknown): void {
    const tcp = this.#tcp;
    if (tcp && !this.#corked) {
      this.#corked = true;
      tcp.cork();
      process.nextTick(this.#release);
    }
    // Only what ws would frame alike: text, no callback; ws's own closing handshake reads readyState first.
    if (this.#framesItself && typeof data === 'string' && optionsOrCallback === undefined && this.readyState === 1) {
      tcp!.write(Sender.frame(Buffer.from(data), MASKED_TEXT)[0]!);
      if (tcp!.writableLength >= CORK_BYTES) {
        tcp!.uncork();
        tcp!.cork();
      }
      return;
    }
    super.send(data, optionsOrCallback as never, callback as never);
  }

  readonly #release = (): void => {
    this.#corked = false;
    this.#tcp?.uncork();
  };
}

/** The WebSocket used on Node (where Node 20 has no global one): `ws`. */
export const DefaultWebSocket: WebSocketConstructor | undefined = NodeWebSocket;
