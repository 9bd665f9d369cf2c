import type { Page } from 'playwright-core';

/** Types a name on the sign-in form and submits it. */
export async function signIn(page: Page, name: string): Promise<void> {
  await page.locator('#login-name').fill(name);
  await page.locator('#login-submit').click();
}

/** Sends a message in the room on screen. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator('#composer-text').fill(text);
  await page.locator('#composer-text').press('Enter');
}

/** The people list entry for `name`, with a status when given. */
export const person = (page: Page, name: string, status?: 'online' | 'away') =>
  page.locator(`#people li[data-name="${name}"]${status ? `[data-status="${status}"]` : ''}`);
