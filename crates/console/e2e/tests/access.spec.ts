// Scenarios e and f: a support admin sees no action buttons; a player cannot open
// another player's withdrawal.
import { expect, test } from '@playwright/test';

import { adminToken, approve, fundedPlayer, newPlayer, requestWithdrawal } from './support/api';
import { seed } from './support/env';
import { ACTIONS, backOffice, definition, openRoute, playerPages, signInAdmin, signInPlayer, stateBadge } from './support/ui';

test('a support admin sees a withdrawal but no action buttons; finance sees Approve', async ({ page, browser, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '60.00');
  const requested = await requestWithdrawal(request, player, '11.00');
  const approved = await requestWithdrawal(request, player, '12.00');
  await approve(request, await adminToken(request, admins.finance), approved);

  await signInAdmin(page, admins.support);
  for (const [id, state] of [[requested, 'requested'], [approved, 'approved']]) {
    await openRoute(page, backOffice(`withdrawals/${id}`));
    await expect(stateBadge(page)).toHaveAttribute('data-status', state);
    await expect(definition(page, 'Amount')).toBeVisible();
    for (const action of ACTIONS) {
      await expect(page.getByRole('button', { name: action, exact: true }), `${action} for support`).toHaveCount(0);
    }
  }

  // The same page shows finance its actions, so the absence above is the role's doing.
  const context = await browser.newContext();
  const finance = await context.newPage();
  await signInAdmin(finance, admins.finance);
  await openRoute(finance, backOffice(`withdrawals/${requested}`));
  await expect(finance.getByRole('button', { name: 'Approve', exact: true })).toBeVisible();
  await openRoute(finance, backOffice(`withdrawals/${approved}`));
  await expect(finance.getByRole('button', { name: 'Start payout', exact: true })).toBeVisible();
  await context.close();
});

test("a player cannot open another player's withdrawal", async ({ page, request }) => {
  const { tenant } = seed();
  const owner = await fundedPlayer(request, tenant, '40.00');
  const id = await requestWithdrawal(request, owner, '10.00');
  const other = await newPlayer(request, tenant);

  await signInPlayer(page, other);
  await openRoute(page, playerPages(`withdrawals/${id}`));
  await expect(page.getByRole('alert')).toHaveText('Withdrawal not found.');
  await expect(page.locator('.badge[data-status="requested"]')).toHaveCount(0);
});
