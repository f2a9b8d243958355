// The console in the browser: served with its Content-Security-Policy, it loads with no
// policy violation and no request to any other origin.
import { expect, test } from '@playwright/test';

for (const path of ['/console/', '/console/player/']) {
  test(`${path} loads under its CSP and calls only its own origin`, async ({ page, baseURL }) => {
    const foreign: string[] = [];
    const violations: string[] = [];
    page.on('request', (sent) => {
      if (!sent.url().startsWith(`${baseURL}/`) && !sent.url().startsWith('data:')) foreign.push(sent.url());
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    expect(foreign, 'requests to other origins').toEqual([]);
    expect(violations, 'CSP violations').toEqual([]);
  });
}
