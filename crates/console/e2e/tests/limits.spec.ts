// Limits in the browser: a player sets a daily deposit limit (it applies at once), a
// deposit over it is refused with the reason in words and creates nothing, a raise waits
// for the cooling-off as a pending change, and the back office shows both.
import { expect, test } from '@playwright/test';

import { fundedPlayer, wallet } from './support/api';
import { seed } from './support/env';
import { backOffice, navigate, openRoute, signInAdmin, signInPlayer } from './support/ui';

test('a deposit limit stops a deposit, with the reason in words; a raise waits', async ({ page, browser, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '30.00');
  await signInPlayer(page, player);

  await navigate(page, 'Player', 'Limits');
  await expect(page.getByRole('heading', { name: 'Limits', exact: true })).toBeVisible();
  await page.getByLabel('Limit', { exact: true }).selectOption('deposit');
  await page.getByLabel('Window', { exact: true }).selectOption('day');
  await page.getByLabel(/^Amount/).fill('50.00');
  await page.getByRole('button', { name: 'Set limit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The limit applies now.' })).toBeVisible();
  const inForce = page.getByRole('table', { name: 'Limits in force' });
  await expect(inForce.locator('tr[data-limit="deposit-day"]')).toContainText('50.00 EUR');

  // 30.00 deposited already: 25.00 more would make 55.00 in the last 24 hours.
  await navigate(page, 'Player', 'Deposit');
  await expect(page.getByRole('heading', { name: 'Deposit', exact: true })).toBeVisible();
  await page.getByLabel('Amount', { exact: true }).fill('25.00');
  await page.getByRole('button', { name: 'Deposit', exact: true }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'This would go over a limit the player set' })).toBeVisible();
  expect((await wallet(request, player)).available).toBe('30.00');

  // A raise is pending until the cooling-off has passed; the limit in force stays.
  await navigate(page, 'Player', 'Limits');
  await expect(page.getByRole('heading', { name: 'Limits', exact: true })).toBeVisible();
  await page.getByLabel('Limit', { exact: true }).selectOption('deposit');
  await page.getByLabel('Window', { exact: true }).selectOption('day');
  await page.getByLabel(/^Amount/).fill('500.00');
  await page.getByRole('button', { name: 'Set limit' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'cooling-off period' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Pending limit changes' }).locator('tr[data-pending="deposit-day"]')).toContainText('500.00 EUR');
  await expect(inForce.locator('tr[data-limit="deposit-day"]')).toContainText('50.00 EUR');

  const context = await browser.newContext();
  const office = await context.newPage();
  await signInAdmin(office, admins.support);
  await openRoute(office, backOffice(`players/${player.id}`));
  const section = office.getByRole('region', { name: 'Player protection' });
  await expect(section.getByRole('table', { name: 'Limits in force' }).locator('tr[data-limit="deposit-day"]')).toContainText('50.00 EUR');
  await expect(section.getByRole('table', { name: 'Pending limit changes' })).toContainText('500.00 EUR');
  await context.close();
});
