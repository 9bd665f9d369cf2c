import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChat, type ChatServer } from './start.js';

let chat: ChatServer;

beforeAll(async () => {
  chat = await startChat({ port: 0 });
});
afterAll(async () => {
  await chat.close();
});

/** One HTTP request, answered with status, headers and body. */
function fetchRaw(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      new URL(path, chat.url),
      { method: init.method ?? 'GET', headers: init.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the chat over HTTP', () => {
  it('listens on loopback and serves the page, its bundled script and styles', async () => {
    expect(chat.url).toBe(`http://127.0.0.1:${chat.port}/`);
    const page = await fetchRaw('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const script = await fetchRaw('/app.js');
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).not.toMatch(/from ["']ws["']|require\(["']ws["']\)/); // the browser socket, not Node's
    expect(script.body).toContain('//# sourceMappingURL=app.js.map');
    const styles = await fetchRaw('/styles.css');
    expect(styles.body).not.toContain('@import'); // inlined at startup
    expect(styles.body).toContain('.composer');
  });

  it('answers what it does not serve plainly', async () => {
    expect((await fetchRaw('/missing')).status).toBe(404);
    expect((await fetchRaw('/', { method: 'POST' })).status).toBe(405);
    expect((await fetchRaw('/rpc')).status).toBe(426);
  });
});
