import { createMemoryTransportPair } from '../memory-transport.js';
import { Peer, type PeerOptions } from '../peer.js';
import type { Transport } from '../transport.js';
import { leftovers } from './pair.js';

/**
 * A peer and, facing it, a bare transport the test writes exact text into and reads
 * exact text from: how a spec example or a malformed message reaches the peer unaltered.
 */
export interface RawSide<Ctx> extends AsyncDisposable {
  readonly peer: Peer<Ctx>;
  /** Sends text as it is; any other value goes as its JSON. */
  send(message: unknown): void;
  /** The next message the peer sends, parsed. */
  next(): Promise<unknown>;
  /** The next message the peer sends, as text. */
  nextText(): Promise<string>;
  /** Sends and returns the next message back. */
  exchange(message: unknown): Promise<unknown>;
  /**
   * Proves the peer sent nothing so far: a request for a method no one serves is answered
   * after whatever came before it, so its answer must be the first message back.
   */
  expectSilence(): Promise<void>;
  /** Closes the bare transport, as a dropped connection would. */
  close(code?: number, reason?: string): void;
}

/** Makes a peer facing a bare transport; the peer is leak-checked on dispose. */
export function rawSide<Ctx = unknown>(options: PeerOptions<Ctx> = {}, attach = true): RawSide<Ctx> {
  const [peerEnd, rawEnd] = createMemoryTransportPair();
  const peer = new Peer<Ctx>(options);
  if (attach) peer.attach(peerEnd);
  return facing(peer, rawEnd);
}

/** A bare transport end facing an existing peer (for reattaching a persistent peer). */
export function rawTransportFor<Ctx>(peer: Peer<Ctx>): RawSide<Ctx> {
  const [peerEnd, rawEnd] = createMemoryTransportPair();
  peer.attach(peerEnd);
  return facing(peer, rawEnd);
}

/**
 * Resolves once the peer runs no handler and every microtask that could still write has
 * run: for proving that a handler finishing writes nothing. A zero timeout (real timers), not
 * setImmediate, so that the harness runs wherever the core does.
 */
export async function idle(peer: Peer<unknown>): Promise<void> {
  for (let turn = 0; turn < 100; turn++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
    if (peer.stats.running === 0) return;
  }
  throw new Error(`peer still runs ${peer.stats.running} handler(s)`);
}

let markers = 0;

function facing<Ctx>(peer: Peer<Ctx>, raw: Transport): RawSide<Ctx> {
  const inbox: string[] = [];
  const waiters: Array<(text: string) => void> = [];
  raw.onMessage((text) => {
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else inbox.push(text);
  });
  const nextText = () => {
    const text = inbox.shift();
    if (text !== undefined) return Promise.resolve(text);
    return new Promise<string>((resolve) => waiters.push(resolve));
  };
  const send = (message: unknown) => raw.send(typeof message === 'string' ? message : JSON.stringify(message));
  const next = async () => JSON.parse(await nextText()) as unknown;
  return {
    peer,
    send,
    next,
    nextText,
    async exchange(message) {
      send(message);
      return next();
    },
    async expectSilence() {
      const id = `silence-${++markers}`;
      send({ jsonrpc: '2.0', method: `no.such.method.${id}`, id });
      const reply = (await next()) as { id?: unknown };
      if (reply.id !== id) throw new Error(`expected silence, got ${JSON.stringify(reply)}`);
    },
    close(code, reason) {
      raw.close(code, reason);
    },
    async [Symbol.asyncDispose]() {
      try {
        const problems = leftovers('peer', peer as Peer<unknown>);
        if (inbox.length) problems.push(`${inbox.length} unread message(s): ${inbox.join(' ')}`);
        if (problems.length) throw new Error(`raw side not clean: ${problems.join('; ')}`);
      } finally {
        peer.close();
        raw.close();
      }
    },
  };
}
