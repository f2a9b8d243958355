// Every closed set of the API in words: problem codes, withdrawal states,
// attempt and deposit statuses, transaction kinds, run statuses.
import { ApiProblem, NetworkError } from './api.js';

/** @typedef {import('../types/kasa-api').components['schemas']['WithdrawalState']} WithdrawalState */
/** @typedef {import('../types/kasa-api').components['schemas']['AttemptStatus']} AttemptStatus */
/** @typedef {import('../types/kasa-api').components['schemas']['DepositStatus']} DepositStatus */
/** @typedef {import('../types/kasa-api').components['schemas']['TransactionKind']} TransactionKind */
/** @typedef {import('../types/kasa-api').components['schemas']['ProblemCode']} ProblemCode */
/** @typedef {import('../types/kasa-api').components['schemas']['RunStatus']} RunStatus */

/** Withdrawal states, in the queue's tab order (the type makes a new state a tsc error until it is here).
 * @type {Record<WithdrawalState, string>} */
export const WITHDRAWAL_STATES = {
  requested: 'Requested',
  awaiting_second_approval: 'Awaiting second approval',
  approved: 'Approved',
  payout_pending: 'Payout pending',
  payout_failed: 'Payout failed',
  paid: 'Paid',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  reversed: 'Reversed',
};

/** @type {Record<AttemptStatus | DepositStatus | RunStatus, string>} */
const STATUSES = {
  pending: 'Pending',
  succeeded: 'Succeeded',
  failed: 'Failed',
  unknown: 'Unknown',
  queued: 'Queued',
  running: 'Running',
};

/** @type {Record<TransactionKind, string>} */
export const TRANSACTION_KINDS = {
  deposit: 'Deposit',
  withdrawal_hold: 'Withdrawal held',
  withdrawal_release: 'Withdrawal released',
  withdrawal_paid: 'Withdrawal paid out',
  payout_reversal: 'Payout reversed (money returned)',
  adjustment: 'Adjustment',
  bet: 'Bet',
  win: 'Win',
  bet_rollback: 'Bet rolled back',
};

/** One sentence per problem code of the contract.
 * @type {Record<ProblemCode, string>} */
const PROBLEMS = {
  validation_failed: 'Some of what was sent is not valid.',
  unauthorized: 'Your session has ended or the credentials are wrong; sign in again.',
  forbidden: 'Your role does not allow this.',
  not_found: 'That does not exist, or it is not yours to see.',
  insufficient_funds: 'The available balance is too low for this amount.',
  currency_mismatch: 'The currency differs from the wallet’s currency.',
  player_blocked: 'A timeout or self-exclusion is in force: deposits and play are blocked until it ends.',
  kyc_required: 'Identity verification (KYC) is needed first.',
  limit_reached: 'This would go over a limit the player set (deposit, loss or wager).',
  already_exists: 'That already exists (for example an account with this email).',
  invalid_state_transition: 'This action is not allowed in the current state.',
  same_approver: 'A second approval must come from a different admin.',
  psp_unavailable: 'The payment provider could not be reached; try again later.',
  idempotency_key_missing: 'The request lacked a valid idempotency key.',
  idempotency_key_reused: 'This action’s key was already used for a different request.',
  idempotency_key_in_flight: 'The same action is still being processed; wait a moment and retry.',
  invalid_signature: 'The signature of the request is missing or wrong.',
  reference_not_found: 'The referenced deposit or payout does not exist.',
  payload_too_large: 'The request is too large.',
  rate_limited: 'Too many attempts; wait a while and try again.',
  unavailable: 'The service is unavailable right now; try again shortly.',
  method_not_allowed: 'That method is not allowed here.',
  internal: 'Something went wrong on the server.',
};

/** @param {string} state */
export const stateWords = (state) =>
  /** @type {Record<string, string>} */ (WITHDRAWAL_STATES)[state] ?? state;

/** @param {string} status */
export const statusWords = (status) => /** @type {Record<string, string>} */ (STATUSES)[status] ?? status;

/** @param {string} kind */
export const kindWords = (kind) =>
  /** @type {Record<string, string>} */ (TRANSACTION_KINDS)[kind] ?? kind;

/** @param {string} code */
export const codeWords = (code) =>
  /** @type {Record<string, string>} */ (PROBLEMS)[code] ?? `Error ${code}.`;

/** What went wrong, in words: the code's sentence plus the server's detail.
 * @param {unknown} error */
export function errorWords(error) {
  if (error instanceof NetworkError) {
    return 'The server could not be reached; the outcome is unknown.';
  }
  if (error instanceof ApiProblem) {
    const detail = error.problem.detail;
    return detail ? `${codeWords(error.problem.code)} ${detail}` : codeWords(error.problem.code);
  }
  return error instanceof Error ? error.message : String(error);
}
