import { createServer, type Server } from 'node:http';

/** Starts an HTTP server of the server's own, which answers plain requests 426 Upgrade Required. */
export async function listen(port: number, host: string): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8', Upgrade: 'websocket' });
    response.end('Upgrade Required');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Stops listening and resolves once every connection the HTTP server had is gone. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
