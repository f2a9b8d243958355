// A client of Kasa written against the types `openapi-typescript` generates
// from `/api/v1/openapi.json` (CI: `.ci/clients`). It only has to type-check
// with `tsc --strict`: typed request bodies and responses along
// deposit -> withdrawal -> approve -> payout, and exhaustive switches over the
// state enums (a new state, or a state typed as plain `string`, fails here).
import type { components, operations, paths } from "./kasa-api";

type Schemas = components["schemas"];
type Withdrawal = Schemas["WithdrawalView"];
type WithdrawalState = Schemas["WithdrawalState"];
type AttemptStatus = Schemas["AttemptStatus"];
type DepositStatus = Schemas["DepositStatus"];
type TransactionKind = Schemas["TransactionKind"];
type Problem = Schemas["Problem"];

type JsonBody<Op extends { requestBody?: unknown }> = NonNullable<Op["requestBody"]> extends {
  content: { "application/json": infer B };
}
  ? B
  : never;

type CreateDepositBody = JsonBody<operations["createDeposit"]>;
type CreateDepositOk = operations["createDeposit"]["responses"][201]["content"]["application/json"];
type CreateWithdrawalBody = JsonBody<operations["createWithdrawal"]>;
type CreateWithdrawalOk =
  operations["createWithdrawal"]["responses"][201]["content"]["application/json"];
type ApproveOk = operations["approveWithdrawal"]["responses"][200]["content"]["application/json"];
type PayoutOk = operations["createPayout"]["responses"][202]["content"]["application/json"];
type WalletOk = paths["/api/v1/me/wallet"]["get"]["responses"][200]["content"]["application/json"];
type TransactionsOk = operations["listMyTransactions"]["responses"][200]["content"]["application/json"];
type IdempotencyKey = operations["createDeposit"]["parameters"]["header"]["Idempotency-Key"];
type LoginBody = JsonBody<operations["loginPlayer"]>;
type LoginOk = operations["loginPlayer"]["responses"][200]["content"]["application/json"];

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}

class KasaError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
  }
}

async function call<T>(
  base: string,
  method: "GET" | "POST",
  path: string,
  token: string | null,
  body?: unknown,
  key?: IdempotencyKey,
): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (key !== undefined) headers["idempotency-key"] = key;
  const res = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new KasaError((await res.json()) as Problem);
  return (await res.json()) as T;
}

function depositBadge(status: DepositStatus): string {
  switch (status) {
    case "pending":
      return "waiting for the PSP";
    case "succeeded":
      return "credited";
    case "failed":
      return "failed";
    default:
      return assertNever(status);
  }
}

function withdrawalBadge(state: WithdrawalState): string {
  switch (state) {
    case "requested":
      return "awaiting review";
    case "awaiting_second_approval":
      return "awaiting a second approval";
    case "approved":
      return "approved";
    case "rejected":
      return "rejected";
    case "cancelled":
      return "cancelled";
    case "payout_pending":
      return "being paid";
    case "payout_failed":
      return "payout failed";
    case "paid":
      return "paid";
    case "reversed":
      return "reversed";
    default:
      return assertNever(state);
  }
}

function attemptBadge(status: AttemptStatus): string {
  switch (status) {
    case "pending":
      return "sent";
    case "succeeded":
      return "paid";
    case "failed":
      return "failed";
    case "unknown":
      return "unknown, recheck";
    default:
      return assertNever(status);
  }
}

function movement(kind: TransactionKind): "in" | "out" | "hold" {
  switch (kind) {
    case "deposit":
    case "withdrawal_release":
    case "payout_reversal":
    case "adjustment":
    case "win":
    case "bet_rollback":
      return "in";
    case "withdrawal_hold":
      return "hold";
    case "withdrawal_paid":
    case "bet":
      return "out";
    default:
      return assertNever(kind);
  }
}

function retryable(problem: Problem): boolean {
  switch (problem.code) {
    case "idempotency_key_in_flight":
    case "psp_unavailable":
    case "unavailable":
    case "rate_limited":
      return true;
    default:
      return false;
  }
}

/** Deposits 50, withdraws 30, approves and pays it out; returns the badges seen. */
export async function walk(
  base: string,
  player: LoginBody,
  adminToken: string,
  key: (step: string) => IdempotencyKey,
): Promise<string[]> {
  const seen: string[] = [];
  const login: LoginOk = await call<LoginOk>(base, "POST", "/api/v1/auth/player/login", null, player);
  const token: string = login.access_token;

  const depositBody: CreateDepositBody = { amount: "50.00", currency: "EUR" };
  const deposit: CreateDepositOk = await call(base, "POST", "/api/v1/me/deposits", token, depositBody, key("deposit"));
  const providerRef: string | null = deposit.provider_ref;
  const failure: string | null = deposit.failure_code;
  const createdAt: string = deposit.created_at;
  seen.push(depositBadge(deposit.status), providerRef ?? "no PSP ref yet", failure ?? "", createdAt);

  const wallet: WalletOk = await call(base, "GET", "/api/v1/me/wallet", token);
  seen.push(`${wallet.available} ${wallet.currency}`);

  const withdrawalBody: CreateWithdrawalBody = {
    amount: "30.00",
    currency: wallet.currency,
    destination: { type: "bank_account", account: "DE89370400440532013000" },
  };
  const requested: CreateWithdrawalOk = await call(
    base,
    "POST",
    "/api/v1/me/withdrawals",
    token,
    withdrawalBody,
    key("withdrawal"),
  );
  const rejectReason: string | null = requested.reject_reason;
  seen.push(withdrawalBadge(requested.state), rejectReason ?? "");

  const approved: ApproveOk = await call(
    base,
    "POST",
    `/api/v1/admin/withdrawals/${requested.id}/approve`,
    adminToken,
    undefined,
    key("approve"),
  );
  seen.push(withdrawalBadge(approved.state));

  let paying: PayoutOk;
  try {
    paying = await call(base, "POST", `/api/v1/admin/withdrawals/${approved.id}/payouts`, adminToken, undefined, key("payout"));
  } catch (e) {
    if (e instanceof KasaError && retryable(e.problem)) {
      paying = await call(base, "POST", `/api/v1/admin/withdrawals/${approved.id}/payouts`, adminToken, undefined, key("payout"));
    } else {
      throw e;
    }
  }
  const final: Withdrawal = paying;
  for (const attempt of final.attempts) {
    const ref: string | null = attempt.provider_ref;
    seen.push(attemptBadge(attempt.status), ref ?? "");
  }
  seen.push(withdrawalBadge(final.state));

  const history: TransactionsOk = await call(base, "GET", "/api/v1/me/transactions?limit=10", token);
  const next: string | null = history.next_cursor;
  for (const tx of history.items) seen.push(`${movement(tx.kind)} ${tx.amount}`);
  seen.push(next ?? "last page");
  return seen;
}
