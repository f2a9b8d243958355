// Seeds, through the HTTP API, what every scenario shares: a tenant and its finance,
// second finance and support admins. Players are made by each test (see api.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { request } from '@playwright/test';

import { Admin, Seed, randomHex, randomPassword, required, seedFile } from './env';

export default async function globalSetup(): Promise<void> {
  const api = await request.newContext({ baseURL: required('KASA_E2E_BASE_URL') });
  try {
    const login = await api.post('/api/v1/auth/admin/login', {
      data: { email: required('KASA_E2E_ADMIN_EMAIL'), password: required('KASA_E2E_ADMIN_PASSWORD') },
    });
    if (login.status() !== 200) {
      throw new Error(`bootstrap admin login: ${login.status()} ${await login.text()}`);
    }
    const headers = { Authorization: `Bearer ${(await login.json()).access_token}` };
    const tenant = `e2e-${randomHex(8)}`;
    const created = await api.post('/api/v1/admin/tenants', {
      headers,
      data: { slug: tenant, name: `E2E tenant ${tenant}` },
    });
    if (created.status() !== 201) {
      throw new Error(`create tenant: ${created.status()} ${await created.text()}`);
    }
    const admin = async (role: string, label: string): Promise<Admin> => {
      const user = { email: `${label}-${randomHex(6)}@e2e.kasa.test`, password: randomPassword(), role };
      const response = await api.post('/api/v1/admin/users', { headers, data: { ...user, tenant } });
      if (response.status() !== 201) {
        throw new Error(`create ${label} admin: ${response.status()} ${await response.text()}`);
      }
      return user;
    };
    const seeded: Seed = {
      tenant,
      admins: {
        finance: await admin('finance', 'finance'),
        finance2: await admin('finance', 'finance2'),
        support: await admin('support', 'support'),
      },
    };
    fs.mkdirSync(path.dirname(seedFile()), { recursive: true });
    fs.writeFileSync(seedFile(), JSON.stringify(seeded, null, 2));
  } finally {
    await api.dispose();
  }
}
