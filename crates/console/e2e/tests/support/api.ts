// Setting up and checking scenarios through the HTTP API (what the browser does is
// the test; what it needs beforehand is made here, the way any client would).
import { APIRequestContext, APIResponse, expect } from '@playwright/test';

import { Admin, randomHex, randomPassword, required } from './env';

/** A registered, logged-in player. */
export interface Player {
  id: string;
  tenant: string;
  email: string;
  password: string;
  token: string;
}

/** The body of a response with the expected status, or an error showing what came back. */
async function body(what: string, response: APIResponse, status: number): Promise<any> {
  if (response.status() !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status()} ${await response.text()}`);
  }
  return response.json();
}

/** `Authorization` plus, for state-changing calls, a fresh `Idempotency-Key`. */
function auth(token: string, idempotent = false): Record<string, string> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (idempotent) headers['Idempotency-Key'] = crypto.randomUUID();
  return headers;
}

/** Registers a EUR player in `tenant` and logs them in. */
export async function newPlayer(api: APIRequestContext, tenant: string): Promise<Player> {
  const email = `player-${randomHex(8)}@e2e.kasa.test`;
  const password = randomPassword();
  const registered = await body(
    'register player',
    await api.post('/api/v1/auth/player/register', { data: { tenant, email, password, currency: 'EUR' } }),
    201,
  );
  const login = await body(
    'player login',
    await api.post('/api/v1/auth/player/login', { data: { tenant, email, password } }),
    200,
  );
  return { id: registered.player_id, tenant, email, password, token: login.access_token };
}

/** An access token of a back-office user. */
export async function adminToken(api: APIRequestContext, admin: Admin): Promise<string> {
  const login = await body(
    `admin login (${admin.role})`,
    await api.post('/api/v1/auth/admin/login', { data: { email: admin.email, password: admin.password } }),
    200,
  );
  return login.access_token;
}

/** A player's wallet as the API returns it. */
export async function wallet(api: APIRequestContext, player: Player): Promise<{ available: string; held: string }> {
  return body('wallet', await api.get('/api/v1/me/wallet', { headers: auth(player.token) }), 200);
}

/** Deposits `amount` EUR and waits until the PSP's webhook settled it as `succeeded`. */
export async function deposit(api: APIRequestContext, player: Player, amount: string): Promise<void> {
  const created = await body(
    'create deposit',
    await api.post('/api/v1/me/deposits', { headers: auth(player.token, true), data: { amount, currency: 'EUR' } }),
    201,
  );
  await expect
    .poll(
      async () =>
        (await body('deposit', await api.get(`/api/v1/me/deposits/${created.id}`, { headers: auth(player.token) }), 200))
          .status,
      { message: `deposit ${created.id} of ${amount} settles`, timeout: 15_000 },
    )
    .toBe('succeeded');
}

/** A new player of `tenant` whose wallet holds `amount` EUR. */
export async function fundedPlayer(api: APIRequestContext, tenant: string, amount: string): Promise<Player> {
  const player = await newPlayer(api, tenant);
  await deposit(api, player, amount);
  return player;
}

/** Requests a withdrawal of `amount` EUR to a bank account; returns its id. */
export async function requestWithdrawal(api: APIRequestContext, player: Player, amount: string): Promise<string> {
  const created = await body(
    'request withdrawal',
    await api.post('/api/v1/me/withdrawals', {
      headers: auth(player.token, true),
      data: { amount, currency: 'EUR', destination: { type: 'bank_account', account: `DE89${randomHex(8)}` } },
    }),
    201,
  );
  return created.id;
}

/** A withdrawal as an admin sees it (with its attempts). */
export async function adminWithdrawal(api: APIRequestContext, token: string, id: string): Promise<any> {
  return body('admin withdrawal', await api.get(`/api/v1/admin/withdrawals/${id}`, { headers: auth(token) }), 200);
}

/** Approves a withdrawal through the API. */
export async function approve(api: APIRequestContext, token: string, id: string): Promise<void> {
  await body(
    'approve withdrawal',
    await api.post(`/api/v1/admin/withdrawals/${id}/approve`, { headers: auth(token, true), data: {} }),
    200,
  );
}

/** How many audit events record `action` on the target `id` (newest 200 events). */
export async function auditCount(api: APIRequestContext, token: string, action: string, id: string): Promise<number> {
  const page = await body('audit events', await api.get('/api/v1/admin/audit-events?limit=200', { headers: auth(token) }), 200);
  return page.items.filter((event: any) => event.action === action && event.target_id === id).length;
}

/** Scripts mock-psp's next `operation` (`deposit` | `payout`) to end with `outcome`. */
export async function scriptPsp(
  api: APIRequestContext,
  operation: 'deposit' | 'payout',
  outcome: 'succeed' | 'fail' | 'decline' | 'timeout',
  failureCode?: string,
): Promise<void> {
  const response = await api.post(`${required('KASA_E2E_PSP_URL')}/control/script`, {
    data: { operation, outcome, delay_ms: 300, duplicate: false, failure_code: failureCode ?? null },
  });
  if (response.status() !== 204) {
    throw new Error(`mock-psp POST /control/script: ${response.status()} ${await response.text()}`);
  }
}

/** The policy the contract gives a tenant that never set one. */
export const DEFAULT_POLICY = {
  cooling_off_hours: 24,
  kyc_required_for: [] as string[],
  kyc_deposit_threshold: {} as Record<string, string>,
  dual_approval_threshold: {} as Record<string, string>,
  player_cancel_allowed: true,
};

/** Replaces `tenant`'s policy with the defaults plus `changes`, as the bootstrap platform admin. */
export async function setPolicy(
  api: APIRequestContext,
  tenant: string,
  changes: Partial<typeof DEFAULT_POLICY>,
): Promise<void> {
  const root: Admin = {
    email: required('KASA_E2E_ADMIN_EMAIL'),
    password: required('KASA_E2E_ADMIN_PASSWORD'),
    role: 'platform_admin',
  };
  const token = await adminToken(api, root);
  await body(
    'put policy',
    await api.put(`/api/v1/admin/tenants/${tenant}/policy`, {
      headers: auth(token),
      data: { ...DEFAULT_POLICY, ...changes },
    }),
    200,
  );
}
