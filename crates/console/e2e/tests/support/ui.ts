// Driving the console the way a person does: by labels, roles and accessible names
// (the names are the shared console spec's; see docs/testing.md).
import * as path from 'node:path';
import { Locator, Page, expect } from '@playwright/test';

import { Player } from './api';
import { Admin, outputDir } from './env';

/** The back office's page for `route` (a hash route such as `withdrawals/<id>`). */
export const backOffice = (route: string): string => `/console/#/${route}`;

/** The player pages' page for `route`. */
export const playerPages = (route: string): string => `/console/player/#/${route}`;

/** Saves a full-page screenshot as `<output>/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(outputDir(), 'screenshots', `${name}.png`), fullPage: true });
}

/** Signs `admin` in on the back office's login page and waits for its navigation. */
export async function signInAdmin(page: Page, admin: Admin, shotName?: string): Promise<void> {
  await page.goto(backOffice('login'));
  await page.getByLabel('Email', { exact: true }).fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  if (shotName) await screenshot(page, shotName);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Back office' })).toBeVisible();
}

/** Signs `player` in on the player pages' login page and waits for its navigation. */
export async function signInPlayer(page: Page, player: Player, shotName?: string): Promise<void> {
  await page.goto(playerPages('login'));
  await page.getByLabel('Tenant', { exact: true }).fill(player.tenant);
  await page.getByLabel('Email', { exact: true }).fill(player.email);
  await page.getByLabel('Password', { exact: true }).fill(player.password);
  if (shotName) await screenshot(page, shotName);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Player' })).toBeVisible();
}

/**
 * Follows a link of the back office's (or the player's) navigation. Hash routes keep
 * the page (and its in-memory token); a `page.goto` to the same document would too,
 * but clicking is what a person does.
 */
export async function navigate(page: Page, nav: 'Back office' | 'Player', link: string): Promise<void> {
  await page.getByRole('navigation', { name: nav }).getByRole('link', { name: link, exact: true }).click();
}

/** Opens a back-office hash route in the current document (no reload, token kept). */
export async function openRoute(page: Page, url: string): Promise<void> {
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, url.slice(url.indexOf('#')));
}

/** The `<dd>` that follows the `<dt>` named `term` (e.g. `Available` in a `<dl>`). */
export function definition(scope: Page | Locator, term: string): Locator {
  return scope.locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) }).locator('xpath=following-sibling::dd[1]');
}

/** The state badge of the withdrawal page (the `State` entry of its `<dl>`). */
export function stateBadge(page: Page): Locator {
  return definition(page, 'State').locator('.badge');
}

/** Expects the player's wallet page to show these balances, reloading the wallet view first. */
export async function expectWallet(page: Page, available: string, held: string): Promise<void> {
  // Leave the wallet route and come back so the page fetches the wallet again.
  await navigate(page, 'Player', 'My withdrawals');
  await expect(page).toHaveURL(/#\/withdrawals$/);
  await navigate(page, 'Player', 'Wallet');
  await expect(page.getByTestId('available')).toHaveText(`${available} EUR`);
  await expect(page.getByTestId('held')).toHaveText(`${held} EUR`);
}

/** The action buttons of a withdrawal page (none for support). */
export const ACTIONS = ['Approve', 'Reject', 'Start payout', 'Retry payout', 'Recheck'] as const;
