// Scenario a: a deposit that succeeds and one the PSP declines, with the balances on the
// player's wallet and on the back office's player page.
import { expect, test } from '@playwright/test';

import { newPlayer, scriptPsp } from './support/api';
import { seed } from './support/env';
import { backOffice, definition, expectWallet, navigate, openRoute, signInAdmin, signInPlayer } from './support/ui';

test('a deposit that succeeds credits the wallet; one the PSP declines moves nothing', async ({ page, browser, request }) => {
  const { tenant, admins } = seed();
  const player = await newPlayer(request, tenant);
  await signInPlayer(page, player);
  await expect(page.getByTestId('available')).toHaveText('0.00 EUR');
  await expect(page.getByTestId('held')).toHaveText('0.00 EUR');

  await test.step('deposit 25.00: succeeded, wallet credited', async () => {
    await navigate(page, 'Player', 'Deposit');
    await page.getByLabel('Amount', { exact: true }).fill('25.00');
    await page.getByRole('button', { name: 'Deposit', exact: true }).click();
    await expect(page.getByRole('status').locator('.badge[data-status="succeeded"]')).toBeVisible();
    await expectWallet(page, '25.00', '0.00');
  });

  await test.step('deposit 10.13: declined by the PSP, wallet unchanged', async () => {
    // x.13 is the demo amount the mock declines; the script makes it so on any mock-psp.
    await scriptPsp(request, 'deposit', 'fail', 'card_declined');
    await navigate(page, 'Player', 'Deposit');
    await page.getByLabel('Amount', { exact: true }).fill('10.13');
    await page.getByRole('button', { name: 'Deposit', exact: true }).click();
    await expect(page.getByRole('status').locator('.badge[data-status="failed"]')).toBeVisible();
    await expectWallet(page, '25.00', '0.00');
    // One credit in the history: the failed deposit moved nothing.
    const history = page.getByRole('table'); // the wallet's only table: History
    await expect(history.getByRole('row').filter({ hasText: '25.00' })).toHaveCount(1);
    await expect(history.getByRole('row').filter({ hasText: '10.13' })).toHaveCount(0);
  });

  await test.step('back office player page: same balances, both deposits', async () => {
    const context = await browser.newContext();
    const office = await context.newPage();
    await signInAdmin(office, admins.support);
    await navigate(office, 'Back office', 'Players');
    await office.getByLabel('Email', { exact: true }).fill(player.email);
    await office.getByRole('button', { name: 'Search' }).click();
    await office.getByRole('link', { name: player.email }).click();
    await expect(office).toHaveURL(new RegExp(`${backOffice('players/').replace(/[/#]/g, '\\$&')}${player.id}$`));
    await expect(definition(office, 'Available')).toHaveText('25.00 EUR');
    await expect(definition(office, 'Held')).toHaveText('0.00 EUR');
    const deposits = office.locator('section').filter({ has: office.getByRole('heading', { name: 'Deposits' }) });
    await expect(deposits.locator('.badge[data-status="succeeded"]')).toHaveCount(1);
    await expect(deposits.locator('.badge[data-status="failed"]')).toHaveCount(1);
    await context.close();
  });

  await test.step('back office player page opened by its address names the player', async () => {
    const context = await browser.newContext();
    const office = await context.newPage();
    await signInAdmin(office, admins.support);
    await openRoute(office, backOffice(`players/${player.id}`));
    await expect(definition(office, 'Email')).toHaveText(player.email);
    await expect(definition(office, 'Available')).toHaveText('25.00 EUR');
    await context.close();
  });
});
