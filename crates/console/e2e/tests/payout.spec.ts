// Scenario b: withdrawal requested (player page) -> approved (admin) -> payout fails ->
// retried -> paid, with the player's Available / Held after each step.
import { expect, test } from '@playwright/test';

import { fundedPlayer, scriptPsp } from './support/api';
import { seed } from './support/env';
import { backOffice, expectWallet, navigate, openRoute, signInAdmin, signInPlayer, stateBadge } from './support/ui';

test('requested, approved, payout failed, retried, paid: balances after each step', async ({ page, browser, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '100.00');
  await signInPlayer(page, player);
  await expect(page.getByTestId('available')).toHaveText('100.00 EUR');

  let id = '';
  await test.step('player requests 30.00: held', async () => {
    await navigate(page, 'Player', 'Withdraw');
    await page.getByLabel('Amount', { exact: true }).fill('30.00');
    await page.getByLabel('Account', { exact: true }).fill('DE89370400440532013000');
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await expect(page).toHaveURL(/#\/withdrawals\/[0-9a-f-]{36}$/);
    id = page.url().split('/').pop() ?? '';
    await expect(page.locator('.badge[data-status="requested"]').first()).toBeVisible();
    await expectWallet(page, '70.00', '30.00');
  });

  const context = await browser.newContext();
  const office = await context.newPage();
  await signInAdmin(office, admins.finance);
  const reopen = async (): Promise<void> => {
    await navigate(office, 'Back office', 'Withdrawals');
    // The queue must have replaced the withdrawal page before it is opened again, or both
    // hash changes land in one render and the page is not fetched anew.
    await expect(office.getByRole('heading', { name: 'Withdrawals', exact: true })).toBeVisible();
    await openRoute(office, backOffice(`withdrawals/${id}`));
  };
  /** Waits for a state reached by a webhook, reopening the page until it shows. */
  const expectState = async (state: string): Promise<void> => {
    await expect(async () => {
      await reopen();
      await expect(stateBadge(office)).toHaveAttribute('data-status', state, { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
  };

  await test.step('finance approves: still held', async () => {
    await reopen();
    await expect(office.getByRole('heading', { name: 'Withdrawal', exact: true })).toBeVisible();
    await expect(stateBadge(office)).toHaveAttribute('data-status', 'requested');
    await office.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(stateBadge(office)).toHaveAttribute('data-status', 'approved');
    await expectWallet(page, '70.00', '30.00');
  });

  await test.step('payout fails by webhook: payout_failed, still held', async () => {
    await scriptPsp(request, 'payout', 'fail', 'account_closed');
    await office.getByRole('button', { name: 'Start payout', exact: true }).click();
    await expect(stateBadge(office)).not.toHaveAttribute('data-status', 'approved');
    await expectState('payout_failed');
    const attempts = office.getByRole('list', { name: 'Payout attempts' }).getByRole('listitem');
    await expect(attempts).toHaveCount(1);
    await expect(attempts.first().locator('.badge[data-status="failed"]')).toBeVisible();
    await expect(attempts.first()).toContainText('account_closed');
    await expectWallet(page, '70.00', '30.00');
  });

  await test.step('retry pays: paid, hold gone', async () => {
    await office.getByRole('button', { name: 'Retry payout', exact: true }).click();
    await expect(stateBadge(office)).not.toHaveAttribute('data-status', 'payout_failed');
    await expectState('paid');
    const attempts = office.getByRole('list', { name: 'Payout attempts' }).getByRole('listitem');
    await expect(attempts).toHaveCount(2);
    await expect(office.getByRole('list', { name: 'Payout attempts' }).locator('.badge[data-status="succeeded"]')).toHaveCount(1);
    await expectWallet(page, '70.00', '0.00');
    await navigate(page, 'Player', 'My withdrawals');
    const row = page.getByRole('row').filter({ hasText: '30.00' });
    await expect(row).toHaveCount(1);
    await expect(row.locator('.badge[data-status="paid"]')).toBeVisible();
  });
  await context.close();
});
