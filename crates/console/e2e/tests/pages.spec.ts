// One screenshot of every page of the console (saved as <output>/screenshots/*.png),
// each checked to show what the spec says it shows.
import { expect, test } from '@playwright/test';

import { fundedPlayer, requestWithdrawal } from './support/api';
import { seed } from './support/env';
import { backOffice, definition, navigate, openRoute, screenshot, signInAdmin, signInPlayer, stateBadge } from './support/ui';

/** The queue's tabs, one per `WithdrawalState` of the OpenAPI document. */
const TABS = ['All', 'Requested', 'Awaiting second approval', 'Approved', 'Payout pending', 'Payout failed', 'Paid', 'Rejected', 'Cancelled', 'Reversed'];

test('back office: every page', async ({ page, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '80.00');
  const id = await requestWithdrawal(request, player, '12.34');
  await signInAdmin(page, admins.finance, 'office-login');
  await expect(page.getByText(admins.finance.email).first()).toBeVisible();

  await test.step('withdrawal queue', async () => {
    await navigate(page, 'Back office', 'Withdrawals');
    const tabs = page.getByRole('tablist');
    for (const name of TABS) await expect(tabs.getByRole('tab', { name, exact: true })).toBeVisible();
    await tabs.getByRole('tab', { name: 'Requested', exact: true }).click();
    await expect(page).toHaveURL(/#\/withdrawals\?state=requested$/);
    await expect(page.getByRole('link', { name: '12.34 EUR' }).first()).toBeVisible();
    await screenshot(page, 'office-queue');
  });

  await test.step('withdrawal', async () => {
    await openRoute(page, backOffice(`withdrawals/${id}`));
    await expect(page.getByRole('heading', { name: 'Withdrawal', exact: true })).toBeVisible();
    for (const term of ['Amount', 'State', 'Player', 'Destination', 'Created']) {
      await expect(definition(page, term)).toBeVisible();
    }
    await expect(definition(page, 'Amount')).toContainText('12.34');
    await expect(stateBadge(page)).toHaveText('Requested');
    await screenshot(page, 'office-withdrawal');
  });

  await test.step('deposits', async () => {
    await navigate(page, 'Back office', 'Deposits');
    await expect(page.getByLabel('Status', { exact: true })).toBeVisible();
    await expect(page.locator('.badge[data-status="succeeded"]').first()).toBeVisible();
    await screenshot(page, 'office-deposits');
  });

  await test.step('players and a player page', async () => {
    await navigate(page, 'Back office', 'Players');
    await page.getByLabel('Email', { exact: true }).fill(player.email);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('link', { name: player.email })).toBeVisible();
    await screenshot(page, 'office-players');
    await page.getByRole('link', { name: player.email }).click();
    await expect(definition(page, 'Available')).toHaveText('67.66 EUR');
    await expect(definition(page, 'Held')).toHaveText('12.34 EUR');
    for (const heading of ['Transactions', 'Deposits', 'Withdrawals']) {
      await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    }
    await screenshot(page, 'office-player');
  });

  await test.step('anomalies', async () => {
    await navigate(page, 'Back office', 'Anomalies');
    await expect(page.getByRole('heading', { name: 'Anomalies', exact: true })).toBeVisible();
    await screenshot(page, 'office-anomalies');
  });

  await test.step('reconciliation', async () => {
    await navigate(page, 'Back office', 'Reconciliation');
    await expect(page.getByLabel('Provider', { exact: true })).toHaveValue('mock');
    await expect(page.getByLabel('From', { exact: true })).toBeVisible();
    await expect(page.getByLabel('To', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start run' })).toBeVisible();
    await screenshot(page, 'office-reconciliation');
  });

  await test.step('audit', async () => {
    await navigate(page, 'Back office', 'Audit');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await expect(page.getByRole('status').filter({ hasText: /Chain verified: \d+ events/ })).toBeVisible();
    await screenshot(page, 'office-audit');
  });

  await test.step('ledger', async () => {
    await navigate(page, 'Back office', 'Ledger');
    await page.getByRole('button', { name: 'Verify ledger' }).click();
    await expect(page.getByRole('status').filter({ hasText: /Ledger balanced: \d+ wallets checked/ })).toBeVisible();
    await screenshot(page, 'office-ledger');
  });
});

test('player pages: every page', async ({ page, request }) => {
  const { tenant } = seed();
  const player = await fundedPlayer(request, tenant, '42.00');
  await requestWithdrawal(request, player, '2.00');
  await signInPlayer(page, player, 'player-login');

  await test.step('wallet', async () => {
    await expect(page.getByTestId('available')).toHaveText('40.00 EUR');
    await expect(page.getByTestId('held')).toHaveText('2.00 EUR');
    await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
    await screenshot(page, 'player-wallet');
  });

  await test.step('deposit', async () => {
    await navigate(page, 'Player', 'Deposit');
    await expect(page.getByLabel('Amount', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Deposit', exact: true })).toBeVisible();
    await screenshot(page, 'player-deposit');
  });

  await test.step('withdraw', async () => {
    await navigate(page, 'Player', 'Withdraw');
    for (const label of ['Amount', 'Destination type', 'Account']) await expect(page.getByLabel(label, { exact: true })).toBeVisible();
    await screenshot(page, 'player-withdraw');
  });

  await test.step('my withdrawals', async () => {
    await navigate(page, 'Player', 'My withdrawals');
    const row = page.getByRole('row').filter({ has: page.locator('.badge[data-status="requested"]') });
    await expect(row).toHaveCount(1);
    await expect(row.getByRole('button', { name: 'Cancel' })).toBeVisible();
    await screenshot(page, 'player-withdrawals');
  });
});
