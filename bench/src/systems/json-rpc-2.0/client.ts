import { JSONRPCClient, JSONRPCServer, JSONRPCServerAndClient } from 'json-rpc-2.0';
import { openSocket } from '../open-socket.js';
import type { Connect } from '../types.js';

/** A JSONRPCServerAndClient on a `ws` socket, receiving events as a served `event` method. */
export const connect: Connect = async (url, options) => {
  const { ws } = await openSocket(url, options);
  const peer = new JSONRPCServerAndClient(
    new JSONRPCServer(),
    new JSONRPCClient((request) => {
      ws.send(JSON.stringify(request));
    }),
  );
  ws.on('message', (data) => void peer.receiveAndSend(JSON.parse(String(data))));
  ws.on('close', () => peer.rejectAllPendingRequests('connection closed'));
  return {
    call: (params) => peer.request('echo', params) as Promise<unknown>,
    async subscribe(listener) {
      peer.addMethod('event', (event) => {
        listener(event);
      });
      await peer.request('subscribe', {});
    },
    close: () => ws.terminate(),
  };
};
