import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/chromium.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatErrorCode, ChatStore, Limits, startChat, type ChatApi, type ChatServer } from '@tether/chat';
import { connect } from '@tether/client';
import { MemoryBroker } from '@tether/server';

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));

// The store and broker outlive the chat server, as they would a restart of its WebSocket side.
const store = new ChatStore({ typingTimeoutMs: 1500, graceMs: 60_000 });
const broker = new MemoryBroker();
let chat: ChatServer;
let browser: Browser;
let contexts: BrowserContext[] = [];
/** Ada on a desktop window, Bob on a phone-sized one: two independent browser contexts. */
let ada: Page;
let bob: Page;
/** Every message posted to #general, in order: what each page must show, each exactly once. */
const general: string[] = [];
/** Uncaught errors in either page: there must be none. */
const pageErrors: string[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}chat-${name}.png` });
}

async function open(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(chat.url);
  await page.locator('#login-name').waitFor();
  return page;
}

async function signIn(page: Page, name: string): Promise<void> {
  await page.locator('#login-name').fill(name);
  await page.locator('#login-submit').click();
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('#composer-text').fill(text);
  await page.locator('#composer-text').press('Enter');
}

/** The message texts a page shows in the room on screen. */
const texts = (page: Page) => page.locator('.message .text').allTextContents();
const sorted = (list: readonly string[]) => [...list].sort();

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  chat = await startChat({ port: 0, store, broker });
  browser = await launchChromium();
  ada = await open({ width: 1280, height: 800 });
  bob = await open({ width: 390, height: 780 });
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await chat?.close();
  store.close();
  await broker.close();
});

describe('chat in two browsers', () => {
  it("signs in, and refuses a name someone holds with the server's error", async () => {
    await shot(ada, 'login');
    await signIn(ada, 'Ada');
    await ada.locator('#app').waitFor();
    await expect.poll(() => ada.locator('#room-name').textContent()).toBe('# general');

    await signIn(bob, 'ada');
    const error = bob.locator('#login-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('The name "ada" is taken. Pick another one.');
    expect(await error.getAttribute('data-code')).toBe(String(ChatErrorCode.NameTaken));
    await shot(bob, 'name-taken');

    await signIn(bob, 'Bob');
    await bob.locator('#app').waitFor();
  });

  it('shows who is online, live, and member counts', async () => {
    await ada.locator('#people li[data-name="Bob"][data-status="online"]').waitFor();
    await bob.locator('#people li[data-name="Ada"][data-status="online"]').waitFor();
    await expect.poll(() => ada.locator('#room-members').textContent()).toBe('2 members');
    await expect.poll(() => ada.locator('#room-list li[data-room="general"] .members').textContent()).toBe('2');
  });

  it('pushes a message from one to the other', async () => {
    await say(ada, 'Hello Bob, welcome to Tether chat.');
    general.push('Hello Bob, welcome to Tether chat.');
    await bob.getByText('Hello Bob, welcome to Tether chat.').waitFor();
    await say(bob, 'Hi Ada! Glad to be here.');
    general.push('Hi Ada! Glad to be here.');
    await ada.getByText('Hi Ada! Glad to be here.').waitFor();
    await ada.locator('.message[data-state="sent"] >> text=Hello Bob, welcome to Tether chat.').waitFor();
  });

  it('shows a typing indicator that expires on its own, and clears when the message is sent', async () => {
    await bob.locator('#composer-text').pressSequentially('I am typ');
    const typing = ada.locator('#typing');
    await expect.poll(() => typing.textContent()).toBe('Bob is typing…');
    await shot(ada, 'desktop-typing');
    await expect.poll(() => typing.textContent(), { timeout: 10_000 }).toBe(''); // expired after 1.5 s of silence

    await bob.locator('#composer-text').pressSequentially('ing a reply');
    await expect.poll(() => typing.textContent()).toBe('Bob is typing…');
    await bob.locator('#composer-text').press('Enter');
    general.push('I am typing a reply');
    await ada.getByText('I am typing a reply').waitFor();
    await expect.poll(() => typing.textContent()).toBe('');
    await shot(bob, 'narrow');
  });

  it("shows the server's error for an empty or oversized message", async () => {
    await ada.locator('#composer-text').press('Enter');
    const error = ada.locator('#composer-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Cannot send an empty message.');
    expect(await error.getAttribute('data-code')).toBe(String(ChatErrorCode.EmptyMessage));

    const long = 'x'.repeat(Limits.messageLength + 1);
    await say(ada, long);
    await expect.poll(() => error.getAttribute('data-code')).toBe(String(ChatErrorCode.MessageTooLong));
    expect(await error.textContent()).toContain('Message is too long: 2001 characters, the limit is 2000.');
    // The refused text is given back, not lost, and nothing was posted.
    expect(await ada.locator('#composer-text').inputValue()).toBe(long);
    expect(await ada.locator('#char-count').textContent()).toBe('2001 / 2000');
    await shot(ada, 'message-error');
    await ada.locator('#composer-text').fill('');
    expect(sorted(await texts(bob))).toEqual(sorted(general));
  });

  it("makes rooms, refuses bad room names with the server's error, and updates counts live", async () => {
    await bob.locator('#menu').click();
    await bob.locator('#new-room-name').fill('Bad Room!');
    await bob.locator('#new-room button').click();
    const error = bob.locator('#room-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Room names use lowercase letters, digits and dashes');
    expect(await error.getAttribute('data-code')).toBe(String(ChatErrorCode.InvalidRoomName));
    await shot(bob, 'narrow-sidebar');

    await bob.locator('#new-room-name').fill('design-review');
    await bob.locator('#new-room button').click();
    await expect.poll(() => bob.locator('#room-name').textContent()).toBe('# design-review');
    await say(bob, 'Design notes go here.');
    await expect.poll(() => ada.locator('#room-list li[data-room="design-review"] .members').textContent()).toBe('1');

    // Ada joins after Bob spoke: his message comes with the room's recent history.
    await ada.locator('#room-list li[data-room="design-review"] button').click();
    await ada.getByText('Design notes go here.', { exact: true }).waitFor();
    await expect.poll(() => bob.locator('#room-list li[data-room="design-review"] .members').textContent()).toBe('2');
    await say(ada, 'Looks good.');
    await bob.getByText('Looks good.', { exact: true }).waitFor();
    await ada.locator('#leave').click();
    await bob.locator('.event', { hasText: 'Ada left the room' }).waitFor();
    await expect.poll(() => bob.locator('#room-members').textContent()).toBe('1 member');
    await expect.poll(() => ada.locator('#room-name').textContent()).toBe('# general');

    // Bob, still in #design-review, gets an unread count for what he misses in #general.
    await say(ada, 'Anyone around in general?');
    general.push('Anyone around in general?');
    await expect.poll(() => bob.locator('#room-list li[data-room="general"] .badge').textContent()).toBe('1');
    await bob.locator('#menu-badge').waitFor();
    await bob.locator('#menu').click();
    await bob.locator('#room-list li[data-room="general"] button').click();
    await expect.poll(() => bob.locator('#room-name').textContent()).toBe('# general');
    await bob.getByText('Anyone around in general?', { exact: true }).waitFor();
    expect(await bob.locator('#room-list li[data-room="general"] .badge').count()).toBe(0);
  });

  it('survives a server restart: both reconnect, nothing lost or duplicated', async () => {
    // A burst, and the server goes down under it: some sends may be cut off unanswered.
    const burst = Array.from({ length: 5 }, (_, i) => `burst ${i + 1}`);
    for (const text of burst) await say(ada, text);
    general.push(...burst);
    const port = chat.port;
    await chat.close();

    for (const page of [ada, bob]) await page.locator('#banner[data-status="reconnecting"]').waitFor();
    expect(await ada.locator('#banner').textContent()).toContain('Reconnecting');
    await say(ada, 'sent while offline');
    general.push('sent while offline');
    await ada.locator('.message[data-state="queued"] >> text=sent while offline').waitFor();
    await shot(ada, 'reconnecting');
    await shot(bob, 'narrow-reconnecting');

    // Bob's network stays down a while longer, so he must catch up from his last event id.
    await bob.context().setOffline(true);
    chat = await startChat({ port, store, broker });
    await ada.locator('#banner').waitFor({ state: 'hidden' });
    await using carol = connect(`ws://127.0.0.1:${port}/rpc`);
    const api = carol.remote<ChatApi>();
    const { session } = await api.session.start({ name: 'Carol' });
    await api.rooms.join({ session, room: 'general' });
    for (let i = 1; i <= 3; i++) {
      await api.messages.send({ session, room: 'general', id: `carol-${i}`, text: `carol ${i}` });
      general.push(`carol ${i}`);
    }
    await ada.getByText('carol 3', { exact: true }).waitFor();
    expect(await bob.locator('#banner').isVisible()).toBe(true);
    expect(await bob.getByText('carol 1', { exact: true }).count()).toBe(0);

    await bob.context().setOffline(false);
    await bob.locator('#banner').waitFor({ state: 'hidden' });
    await say(bob, 'back after the restart');
    general.push('back after the restart');

    for (const page of [ada, bob]) {
      await expect.poll(async () => sorted(await texts(page)), { timeout: 15_000 }).toEqual(sorted(general));
      await expect.poll(() => page.locator('.message:not([data-state="sent"])').count()).toBe(0);
      await page.locator('#people li[data-name="Carol"][data-status="online"]').waitFor();
    }
    for (const text of general) {
      expect(await ada.getByText(text, { exact: true }).count(), text).toBe(1);
      expect(await bob.getByText(text, { exact: true }).count(), text).toBe(1);
    }
    await shot(ada, 'reconnected');
  });

  it('shows someone who closed their page as away', async () => {
    await bob.context().close();
    contexts = contexts.filter((c) => c !== bob.context());
    await ada.locator('#people li[data-name="Bob"][data-status="away"]').waitFor();
    await shot(ada, 'desktop');
  });

  it('signs back in after a reload, and frees the name on sign-out', async () => {
    await ada.reload();
    await ada.locator('#app').waitFor();
    await expect.poll(() => ada.locator('#room-name').textContent()).toBe('# general');
    await expect.poll(async () => sorted(await texts(ada))).toEqual(sorted(general));

    await ada.locator('#sign-out').click();
    await ada.locator('#login').waitFor();
    await signIn(ada, 'ADA');
    await ada.locator('#app').waitFor();
    await ada.locator('#people li[data-name="ADA"][data-status="online"]').waitFor();
    expect(await ada.locator('#people li[data-name="Ada"]').count()).toBe(0);
  });
});
