// Player protection in words: limit kinds and periods, exclusion kinds, KYC statuses.
// Shared by the player pages (limits, breaks) and the back office (a player's page).
import { html } from '../vendor/standalone.module.js';
import { money } from './money.js';
import { Table, When } from './ui.js';

/** @typedef {{kind: string, period: string, amount: string}} Limit */
/** @typedef {{kind: string, period: string, amount: string | null, effective_at: string}} PendingLimit */
/** @typedef {{limits: Limit[], pending: PendingLimit[]}} Limits */
/** @typedef {{id: string, kind: string, starts_at: string, ends_at: string}} Exclusion */

/** What each limit caps, as the contract counts it. */
export const LIMIT_KINDS = {
  deposit: 'Deposits',
  loss: 'Losses (bets − wins − rollbacks)',
  wager: 'Wagers (bets − rollbacks)',
};

/** The rolling windows. */
export const LIMIT_PERIODS = { day: 'Last 24 hours', week: 'Last 7 days', month: 'Last 30 days' };

/** Exclusion kinds with the days the contract allows. */
export const EXCLUSION_KINDS = {
  timeout: { name: 'Timeout', min: 1, max: 42 },
  self_exclusion: { name: 'Self-exclusion', min: 180, max: 1825 },
};

/** KYC statuses. */
export const KYC_STATUSES = {
  unverified: 'Unverified',
  pending: 'Pending',
  verified: 'Verified',
  rejected: 'Rejected',
};

/** @param {Record<string, any>} table @param {string} key */
const named = (table, key) => {
  const value = table[key];
  return typeof value === 'string' ? value : (value?.name ?? key);
};

/** @param {string} kind */
export const limitKindWords = (kind) => named(LIMIT_KINDS, kind);
/** @param {string} period */
export const periodWords = (period) => named(LIMIT_PERIODS, period);
/** @param {string} kind */
export const exclusionWords = (kind) => named(EXCLUSION_KINDS, kind);
/** @param {string} status */
export const kycWords = (status) => named(KYC_STATUSES, status);

/** Limits in force and pending changes. @param {{limits: Limits, currency: string}} props */
export function LimitTables({ limits, currency }) {
  return html`<${Table}
      label="Limits in force"
      head=${['Limit', 'Window', 'Amount']}
      empty="No limits set."
      rows=${limits.limits.map(
        (l) => html`<tr data-limit=${`${l.kind}-${l.period}`}>
          <td>${limitKindWords(l.kind)}</td><td>${periodWords(l.period)}</td><td>${money(l.amount, currency)}</td>
        </tr>`,
      )}
    />
    ${limits.pending.length > 0 &&
    html`<h3>Pending changes</h3>
      <${Table}
        label="Pending limit changes"
        head=${['Limit', 'Window', 'New amount', 'Applies']}
        rows=${limits.pending.map(
          (p) => html`<tr data-pending=${`${p.kind}-${p.period}`}>
            <td>${limitKindWords(p.kind)}</td><td>${periodWords(p.period)}</td>
            <td>${p.amount === null ? 'No limit' : money(p.amount, currency)}</td>
            <td><${When} at=${p.effective_at} /></td>
          </tr>`,
        )}
      />`}`;
}

/** Exclusions, newest first. @param {{items: Exclusion[]}} props */
export function ExclusionTable({ items }) {
  const now = Date.now();
  return html`<${Table}
    label="Timeouts and self-exclusions"
    head=${['Kind', 'From', 'Until', '']}
    empty="None."
    rows=${items.map(
      (x) => html`<tr>
        <td>${exclusionWords(x.kind)}</td><td><${When} at=${x.starts_at} /></td><td><${When} at=${x.ends_at} /></td>
        <td>${new Date(x.ends_at).getTime() > now ? html`<span class="badge" data-status="rejected">In force</span>` : 'Ended'}</td>
      </tr>`,
    )}
  />`;
}
