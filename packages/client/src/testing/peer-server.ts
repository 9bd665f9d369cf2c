import type { AddressInfo } from 'node:net';
import { Peer } from '@tether/core';
import { WebSocketServer, type VerifyClientCallbackAsync } from 'ws';
import { SocketTransport } from '../socket/socket-transport.js';

/** A bare `ws` server giving each connection a core Peer: a server for client tests that needs no @tether/server. */
export interface PeerServer extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly peers: ReadonlySet<Peer>;
  /** Drops every connection without a close frame (1006 on the client), then stops listening. */
  kill(): Promise<void>;
}

/** Starts a PeerServer on 127.0.0.1 (`port` 0 picks a free one); `setup` serves methods on each connection's peer. */
export async function startPeerServer(
  options: { port?: number; setup?: (peer: Peer) => void; verifyClient?: VerifyClientCallbackAsync } = {},
): Promise<PeerServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    ...(options.verifyClient ? { verifyClient: options.verifyClient } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const peers = new Set<Peer>();
  wss.on('connection', (ws) => {
    const transport = new SocketTransport(ws);
    const peer = new Peer();
    options.setup?.(peer);
    peer.attach(transport);
    peers.add(peer);
    ws.on('close', (code, reason) => {
      peers.delete(peer);
      transport.end({ code, reason: reason.toString() });
    });
  });
  const port = (wss.address() as AddressInfo).port;
  const kill = async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
  return { url: `ws://127.0.0.1:${port}`, port, peers, kill, [Symbol.asyncDispose]: kill };
}
