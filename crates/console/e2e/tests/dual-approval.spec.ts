// A large withdrawal needs two different finance admins: the first approval moves it to
// "Awaiting second approval" (its queue tab shows a count), the same admin again is told
// in words that another admin must approve, and a second finance admin approves it.
import { expect, test } from '@playwright/test';

import { adminToken, adminWithdrawal, auditCount, fundedPlayer, requestWithdrawal, setPolicy } from './support/api';
import { seed } from './support/env';
import { backOffice, definition, openRoute, screenshot, signInAdmin, stateBadge } from './support/ui';

test.afterEach(async ({ request }) => {
  await setPolicy(request, seed().tenant, {});
});

test('a large withdrawal needs two different finance admins', async ({ browser, page, request }) => {
  const { tenant, admins } = seed();
  await setPolicy(request, tenant, { dual_approval_threshold: { EUR: '100.00' } });
  const player = await fundedPlayer(request, tenant, '150.00');
  const id = await requestWithdrawal(request, player, '120.00');

  await signInAdmin(page, admins.finance);
  await openRoute(page, backOffice(`withdrawals/${id}`));
  await expect(stateBadge(page)).toHaveAttribute('data-status', 'requested');
  const approve = page.getByRole('button', { name: 'Approve', exact: true });
  await approve.click();
  await expect(stateBadge(page)).toHaveAttribute('data-status', 'awaiting_second_approval');
  await expect(stateBadge(page)).toHaveText('Awaiting second approval');
  await expect(definition(page, 'First approval')).toContainText(admins.finance.email);
  await expect(page.getByRole('status').filter({ hasText: 'needs a second approval' })).toContainText(
    admins.finance.email,
  );

  // The same admin again: refused, in words, and nothing changes.
  await expect(approve).toBeEnabled();
  await approve.click();
  await expect(page.getByRole('alert')).toContainText('A second approval must come from a different admin.');
  await expect(stateBadge(page)).toHaveAttribute('data-status', 'awaiting_second_approval');

  // The queue's tab for it carries a count.
  await openRoute(page, backOffice('withdrawals'));
  const tab = page.getByRole('tab', { name: /Awaiting second approval/ });
  await expect(tab.getByTestId('awaiting-count')).toHaveText(/^[1-9][0-9]*\+?$/);
  await tab.click();
  await expect(page.getByRole('link', { name: '120.00 EUR' })).toBeVisible();
  await screenshot(page, 'dual-approval-queue');

  // A second finance admin approves it.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signInAdmin(second, admins.finance2);
  await openRoute(second, backOffice(`withdrawals/${id}`));
  await expect(stateBadge(second)).toHaveAttribute('data-status', 'awaiting_second_approval');
  await second.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(stateBadge(second)).toHaveAttribute('data-status', 'approved');
  await expect(definition(second, 'First approval')).toContainText(admins.finance.email);
  await other.close();

  const token = await adminToken(request, admins.finance);
  expect((await adminWithdrawal(request, token, id)).state).toBe('approved');
  expect(await auditCount(request, token, 'withdrawal.first_approval', id)).toBe(1);
  expect(await auditCount(request, token, 'withdrawal.approve', id)).toBe(1);
});
