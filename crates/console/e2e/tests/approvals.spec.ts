// Scenarios c and d: a double click on Approve sends one request and approves once;
// two admins approving at once: one succeeds, the other is told in words.
import { Page, expect, test } from '@playwright/test';

import { adminToken, adminWithdrawal, auditCount, fundedPlayer, requestWithdrawal } from './support/api';
import { seed } from './support/env';
import { backOffice, openRoute, signInAdmin, stateBadge } from './support/ui';

/** The alert the spec says a 409 `invalid_state_transition` shows. */
const CONFLICT = /^\s*Another admin acted on this withdrawal first/;

/** Opens the withdrawal page and waits until it shows `requested` with an enabled Approve. */
async function openRequested(page: Page, id: string): Promise<void> {
  await openRoute(page, backOffice(`withdrawals/${id}`));
  await expect(stateBadge(page)).toHaveAttribute('data-status', 'requested');
  await expect(page.getByRole('button', { name: 'Approve', exact: true })).toBeEnabled();
}

test('a double click on Approve sends one request and approves once', async ({ page, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '50.00');
  const id = await requestWithdrawal(request, player, '20.00');
  await signInAdmin(page, admins.finance);
  await openRequested(page, id);

  const approveRequests: string[] = [];
  page.on('request', (sent) => {
    if (sent.method() === 'POST' && sent.url().endsWith(`/api/v1/admin/withdrawals/${id}/approve`)) {
      approveRequests.push(sent.headers()['idempotency-key'] ?? '');
    }
  });
  await page.getByRole('button', { name: 'Approve', exact: true }).dblclick();
  await expect(stateBadge(page)).toHaveAttribute('data-status', 'approved');
  await expect(page.getByRole('alert').filter({ hasText: CONFLICT })).toHaveCount(0);
  expect(approveRequests, 'POSTs to /approve').toHaveLength(1);
  expect(approveRequests[0], 'the request carries an Idempotency-Key').not.toBe('');

  const token = await adminToken(request, admins.finance);
  expect((await adminWithdrawal(request, token, id)).state).toBe('approved');
  expect(await auditCount(request, token, 'withdrawal.approve', id), 'withdrawal.approve audit events').toBe(1);
});

test('two admins approve at once: one succeeds, the other is told another admin acted first', async ({ browser, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '50.00');
  const id = await requestWithdrawal(request, player, '15.00');
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [first, second] = [await contexts[0].newPage(), await contexts[1].newPage()];
  await signInAdmin(first, admins.finance);
  await signInAdmin(second, admins.finance2);
  await openRequested(first, id);
  await openRequested(second, id);

  await Promise.all([
    first.getByRole('button', { name: 'Approve', exact: true }).click(),
    second.getByRole('button', { name: 'Approve', exact: true }).click(),
  ]);
  // Both pages end on the approved withdrawal (the loser's page reloads it) ...
  await expect(stateBadge(first)).toHaveAttribute('data-status', 'approved');
  await expect(stateBadge(second)).toHaveAttribute('data-status', 'approved');
  // ... and exactly one of them says, in words, that the other admin was first.
  const conflicts = async (): Promise<number> =>
    (await first.getByRole('alert').filter({ hasText: CONFLICT }).count()) +
    (await second.getByRole('alert').filter({ hasText: CONFLICT }).count());
  await expect.poll(conflicts, { message: 'pages showing the conflict alert' }).toBe(1);

  const token = await adminToken(request, admins.finance);
  expect((await adminWithdrawal(request, token, id)).state).toBe('approved');
  expect(await auditCount(request, token, 'withdrawal.approve', id), 'withdrawal.approve audit events').toBe(1);
  for (const context of contexts) await context.close();
});
