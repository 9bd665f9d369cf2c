import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatErrorCode } from '@tether/chat';
import { startRedisServer, type RedisServer } from '@tether/redis/testing';
import { killChats, spawnChat, type ChatProcess } from './fixtures/chat-process.js';
import { launchChromium } from './support/chromium.js';
import { person, say, signIn } from './support/chat-page.js';

/** Short, so that a killed process's people leave within the test's time. */
const PRESENCE_TTL_MS = 1000;

let redis: RedisServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function open(url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(url);
  await page.locator('#login-name').waitFor();
  return page;
}

beforeAll(async () => {
  redis = await startRedisServer();
  browser = await launchChromium();
});
afterEach(() => {
  expect(pageErrors).toEqual([]);
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await killChats();
  await redis?.stop();
});

describe('the chat on two processes sharing one redis-server', () => {
  let a: ChatProcess;
  let b: ChatProcess;
  let ada: Page;
  let bob: Page;

  it('keeps names unique across the processes and shows everyone on both', async () => {
    [a, b] = await Promise.all([
      spawnChat({ REDIS_URL: redis.url, PRESENCE_TTL_MS }),
      spawnChat({ REDIS_URL: redis.url, PRESENCE_TTL_MS }),
    ]);
    [ada, bob] = await Promise.all([open(a.url), open(b.url)]);
    await signIn(ada, 'Ada');
    await ada.locator('#app').waitFor();
    await signIn(bob, 'ada');
    const error = bob.locator('#login-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('The name "ada" is taken. Pick another one.');
    expect(await error.getAttribute('data-code')).toBe(String(ChatErrorCode.NameTaken));
    await signIn(bob, 'Bob');
    await bob.locator('#app').waitFor();
    await person(ada, 'Bob', 'online').waitFor();
    await person(bob, 'Ada', 'online').waitFor();
    await expect.poll(() => bob.locator('#room-list li[data-room="general"] .members').textContent()).toBe('2');
  });

  it('carries typing and messages across the processes, and the room list', async () => {
    await bob.locator('#composer-text').pressSequentially('typing on B');
    await expect.poll(() => ada.locator('#typing').textContent()).toBe('Bob is typing…');
    await bob.locator('#composer-text').press('Enter');
    await ada.getByText('typing on B', { exact: true }).waitFor();
    await say(ada, 'Hello from A');
    await bob.getByText('Hello from A', { exact: true }).waitFor();

    await ada.locator('#new-room-name').fill('design');
    await ada.locator('#new-room button').click();
    await expect.poll(() => bob.locator('#room-list li[data-room="design"] .members').textContent()).toBe('1');
    await ada.locator('#room-list li[data-room="general"] button').click();
  });

  it("takes a SIGKILLed process's people off the other page within the ttl", async () => {
    const killed = Date.now();
    await a.kill();
    await person(bob, 'Ada').waitFor({ state: 'detached' });
    // The ttl, then at most one sweep (ttl/3), plus slack for a busy machine and the page's round trip.
    expect(Date.now() - killed).toBeLessThan(PRESENCE_TTL_MS * 4);
    await expect.poll(() => bob.locator('#room-list li[data-room="general"] .members').textContent()).toBe('1');
    await ada.locator('#banner[data-status="reconnecting"]').waitFor();
  });

  it("recovers the killed process's page after a restart: history kept, the unsent message sent after sign-in", async () => {
    await say(ada, 'typed while A was down');
    await ada.locator('.message[data-state="queued"] >> text=typed while A was down').waitFor();
    a = await spawnChat({ REDIS_URL: redis.url, PRESENCE_TTL_MS, PORT: a.port });

    // The restarted process has no sessions: the page says why, offers the name back, and keeps the message.
    const error = ada.locator('#login-error');
    await error.waitFor();
    expect(await error.textContent()).toBe(
      'The server restarted and lost your session. Sign in again to carry on. Your unsent message will be sent then.',
    );
    expect(await ada.locator('#login-name').inputValue()).toBe('Ada');
    expect(await ada.locator('#banner').isVisible()).toBe(false);
    await ada.locator('#login-submit').click();
    await ada.locator('#app').waitFor();

    await bob.getByText('typed while A was down', { exact: true }).waitFor();
    await ada.locator('.message[data-state="sent"] >> text=typed while A was down').waitFor();
    // History came from Redis, through the restart.
    for (const text of ['typing on B', 'Hello from A']) await ada.getByText(text, { exact: true }).waitFor();
    await person(bob, 'Ada', 'online').waitFor();
    await expect.poll(() => ada.locator('#room-list li[data-room="design"]').count()).toBe(1);
    expect(await ada.locator('body').textContent()).not.toMatch(/error \d|1006/);
  });

  it('says at start and in the page when REDIS_URL cannot be reached', async () => {
    const dead = await startRedisServer();
    await dead.kill();
    const c = await spawnChat({ REDIS_URL: dead.url });
    expect(c.errors()).toContain(`Cannot reach Redis at ${dead.url} (REDIS_URL).`);
    const page = await open(c.url);
    const banner = page.locator('#banner[data-status="backend"]');
    await banner.waitFor();
    expect(await banner.textContent()).toBe(
      `The chat server cannot reach Redis at ${dead.url}. Nothing can be sent until it is back.`,
    );
    await c.kill();
  });
});
