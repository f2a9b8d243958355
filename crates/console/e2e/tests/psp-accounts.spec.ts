// Provider accounts: a platform admin adds a tenant's account (its secret is sent once and
// never shown), sees it listed, and rotates its webhook secret.
import { expect, test } from '@playwright/test';

import { randomHex, required, seed } from './support/env';
import { navigate, signInAdmin } from './support/ui';

test('an admin adds a provider account and rotates its webhook secret', async ({ page }) => {
  const { tenant } = seed();
  const slug = `e2e-${randomHex(6)}`;
  const secret = `whsec_${randomHex(40)}`;
  await signInAdmin(page, { email: required('KASA_E2E_ADMIN_EMAIL'), password: required('KASA_E2E_ADMIN_PASSWORD'), role: 'platform_admin' });
  await navigate(page, 'Back office', 'Provider accounts');
  const form = page.getByRole('form', { name: 'Add a provider account' });
  await form.getByLabel('Slug').fill(slug);
  await form.getByLabel('Base URL').fill('https://psp.example.com/');
  await form.getByLabel('Webhook secret').fill(secret);
  await form.getByLabel('Tenant (platform admins)').fill(tenant);
  await form.getByRole('button', { name: 'Add account' }).click();

  const row = page.getByRole('table', { name: 'Provider accounts' }).locator(`tr[data-account="${slug}"]`);
  await expect(row).toContainText('https://psp.example.com');
  await expect(page.locator('body')).not.toContainText(secret);
  await expect(form.getByLabel('Webhook secret')).toHaveValue('');

  await row.getByRole('button', { name: 'Rotate webhook secret' }).click();
  await row.getByLabel(/^New webhook secret/).fill(`whsec_${randomHex(40)}`);
  await row.getByRole('button', { name: 'Rotate', exact: true }).click();
  await expect(row.locator('time')).toHaveCount(2);
});
