// Player protection in the browser: a player who self-excludes (after a confirmation
// step) cannot deposit, is told why in words, and can still withdraw; an admin sees the
// self-exclusion and sets the player's KYC status with a reason; a tenant that forbids player
// cancels is edited on the policy page and the player's cancel is refused in words.
import { expect, test } from '@playwright/test';

import { adminToken, auditCount, fundedPlayer, requestWithdrawal, setPolicy, wallet } from './support/api';
import { Admin, required, seed } from './support/env';
import { backOffice, expectWallet, navigate, openRoute, signInAdmin, signInPlayer } from './support/ui';

/** The bootstrap platform admin (the one that may edit any tenant's policy). */
function root(): Admin {
  return { email: required('KASA_E2E_ADMIN_EMAIL'), password: required('KASA_E2E_ADMIN_PASSWORD'), role: 'platform_admin' };
}

test.afterEach(async ({ request }) => {
  await setPolicy(request, seed().tenant, {});
});

test('a self-excluded player cannot deposit but can withdraw; an admin sees it and sets KYC', async ({ page, browser, request }) => {
  const { tenant, admins } = seed();
  const player = await fundedPlayer(request, tenant, '60.00');
  await signInPlayer(page, player);

  await test.step('self-exclude for 180 days, after confirming', async () => {
    await navigate(page, 'Player', 'Take a break');
    await page.getByLabel('Kind', { exact: true }).selectOption('self_exclusion');
    await expect(page.getByLabel(/^Days/)).toHaveValue('180');
    await page.getByLabel(/^Days/).fill('179');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'from 180 to 1825' })).toBeVisible();
    await page.getByLabel(/^Days/).fill('180');
    await page.getByRole('button', { name: 'Continue' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm' });
    await expect(confirm).toContainText('Self-exclusion for 180 days.');
    await expect(confirm).toContainText('cannot be undone');
    await confirm.getByRole('button', { name: 'Confirm self-exclusion' }).click();
    const rows = page.getByRole('table', { name: 'Timeouts and self-exclusions' }).getByRole('row');
    await expect(rows.filter({ hasText: 'In force' })).toHaveCount(1);
  });

  await test.step('a deposit is refused, with the reason in words', async () => {
    await navigate(page, 'Player', 'Deposit');
    await expect(page.getByRole('heading', { name: 'Deposit', exact: true })).toBeVisible();
    await page.getByLabel('Amount', { exact: true }).fill('10.00');
    await page.getByRole('button', { name: 'Deposit', exact: true }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'A timeout or self-exclusion is in force' })).toBeVisible();
    expect((await wallet(request, player)).available).toBe('60.00');
  });

  await test.step('a withdrawal still works', async () => {
    await navigate(page, 'Player', 'Withdraw');
    // The deposit page has an "Amount" too: wait until the withdraw page is the one shown.
    await expect(page.getByRole('heading', { name: 'Withdraw', exact: true })).toBeVisible();
    await page.getByLabel('Amount', { exact: true }).fill('25.00');
    await page.getByLabel('Account', { exact: true }).fill('DE89370400440532013000');
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await expect(page).toHaveURL(/#\/withdrawals\/[0-9a-f-]{36}$/);
    await expectWallet(page, '35.00', '25.00');
  });

  await test.step('finance sees the self-exclusion and verifies the player', async () => {
    const context = await browser.newContext();
    const office = await context.newPage();
    await signInAdmin(office, admins.finance);
    await openRoute(office, backOffice(`players/${player.id}`));
    const section = office.getByRole('region', { name: 'Player protection' });
    await expect(section.getByTestId('kyc-status')).toHaveText('Unverified');
    await expect(section.getByRole('table', { name: 'Timeouts and self-exclusions' }).getByRole('row').filter({ hasText: 'Self-exclusion' })).toContainText('In force');
    await section.getByLabel('New KYC status').selectOption('verified');
    await section.getByRole('button', { name: 'Set KYC status' }).click();
    await expect(section.getByRole('alert').filter({ hasText: 'Give a reason' })).toBeVisible();
    await section.getByLabel('Reason', { exact: true }).fill('passport checked');
    await section.getByRole('button', { name: 'Set KYC status' }).click();
    await expect(section.getByTestId('kyc-status')).toHaveText('Verified');
    const token = await adminToken(request, admins.finance);
    expect(await auditCount(request, token, 'player.kyc_update', player.id)).toBe(1);
    await context.close();
  });
});

test('the policy page forbids player cancels; the player is told in words', async ({ page, browser, request }) => {
  const { tenant } = seed();
  const player = await fundedPlayer(request, tenant, '30.00');
  await requestWithdrawal(request, player, '5.00');

  const context = await browser.newContext();
  const office = await context.newPage();
  await signInAdmin(office, root());
  await navigate(office, 'Back office', 'Policy');
  await office.getByLabel('Tenant (slug)').fill(tenant);
  await office.getByRole('button', { name: 'Open' }).click();
  await expect(office.getByLabel(/^Cooling-off/)).toHaveValue('24');
  const cancel = office.getByLabel('Players may cancel their withdrawals');
  await expect(cancel).toBeChecked();
  await cancel.uncheck();
  await office.getByLabel(/^Two admins must approve/).fill('EUR 5000.00');
  await office.getByRole('button', { name: 'Save policy' }).click();
  await expect(office.getByRole('status').filter({ hasText: 'Policy saved.' })).toBeVisible();
  await expect(office.getByLabel(/^Two admins must approve/)).toHaveValue('EUR 5000.00');
  await context.close();

  await signInPlayer(page, player);
  await navigate(page, 'Player', 'My withdrawals');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'does not let players cancel withdrawals' })).toBeVisible();
  expect((await wallet(request, player)).held).toBe('5.00');
});
