// The withdrawal queue (a tab per state) and one withdrawal with its payout
// attempts and the actions its state and the admin's role allow.
import { html, useState } from '../../vendor/standalone.module.js';
import { ApiProblem, call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { money } from '../money.js';
import { WITHDRAWAL_STATES, errorWords } from '../words.js';
import { Badge, LoadState, Pager, Table, When, orDash, useLoad, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['WithdrawalView']} Withdrawal */
/** @typedef {import('../../types/kasa-api').components['schemas']['WithdrawalState']} WithdrawalState */

/** Roles that may act on withdrawals (the server's `Role::Finance` and above). */
export const ACTING_ROLES = ['finance', 'tenant_admin', 'platform_admin'];

/** The state whose tab carries a count badge: work waiting for a second admin. */
const AWAITING = 'awaiting_second_approval';

/** @param {{state: string}} props */
export function WithdrawalQueue({ state }) {
  const tabs = [['', 'All'], ...Object.entries(WITHDRAWAL_STATES)];
  const pages = usePages(
    (cursor) => get('/admin/withdrawals', { state, cursor }),
    [state],
  );
  // Reloaded with the queue, so acting on one and coming back updates the badge.
  const awaiting = useLoad(() => get('/admin/withdrawals', { state: AWAITING, limit: '200' }), [state]);
  const waiting = awaiting.data?.items.length ?? 0;
  const waitingText = awaiting.data?.next_cursor ? `${waiting}+` : String(waiting);
  /** @type {Withdrawal[]} */
  const items = pages.loaded.data?.items ?? [];
  return html`<div class="page"><h1>Withdrawals</h1>
    <div role="tablist" aria-label="Withdrawal states" class="tabs">
      ${tabs.map(
        ([value, name]) =>
          html`<a role="tab" href=${value ? `#/withdrawals?state=${value}` : '#/withdrawals'}
            aria-selected=${state === value ? 'true' : 'false'}>${name}${value === AWAITING &&
            waiting > 0 &&
            html` <span class="count" data-testid="awaiting-count"
              aria-label=${`${waitingText} awaiting a second approval`}>${waitingText}</span>`}</a>`,
      )}
    </div>
    <${LoadState} loaded=${pages.loaded} />
    <${WithdrawalTable} items=${items} />
    <${Pager} pages=${pages} /></div>`;
}

/** @param {{items: Withdrawal[]}} props */
export function WithdrawalTable({ items }) {
  return html`<${Table}
    label="Withdrawals"
    head=${['Amount', 'State', 'Player', 'Destination', 'Created']}
    empty="No withdrawals."
    rows=${items.map(
      (w) => html`<tr>
        <td><a href=${`#/withdrawals/${w.id}`}>${money(w.amount, w.currency)}</a></td>
        <td><${Badge} kind="state" value=${w.state} /></td>
        <td><a href=${`#/players/${w.player_id}`} class="mono">${w.player_id.slice(0, 8)}</a></td>
        <td>${w.destination.type}: ${w.destination.account}</td>
        <td><${When} at=${w.created_at} /></td>
      </tr>`,
    )}
  />`;
}

/**
 * The actions a withdrawal's state allows, as [label, path suffix].
 * @param {Withdrawal} w @returns {Array<[string, string]>}
 */
export function allowedActions(w) {
  const open = w.attempts.some((a) => a.status === 'pending' || a.status === 'unknown');
  /** @type {Record<string, Array<[string, string]>>} */
  const byState = {
    requested: [['Approve', 'approve'], ['Reject', 'reject']],
    awaiting_second_approval: [['Approve', 'approve'], ['Reject', 'reject']],
    approved: [['Start payout', 'payouts'], ['Reject', 'reject']],
    payout_failed: [['Retry payout', 'payouts'], ['Reject', 'reject']],
    payout_pending: open ? [['Recheck', 'recheck']] : [],
  };
  return byState[w.state] ?? [];
}

/** @param {{id: string, role: string}} props */
export function WithdrawalPage({ id, role }) {
  const loaded = useLoad(() => get(`/admin/withdrawals/${encodeURIComponent(id)}`), [id]);
  const action = useAction();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');
  /** @type {Withdrawal | null} */
  const w = loaded.data;

  /** @param {string} label @param {string} suffix @param {unknown} [body] */
  function act(label, suffix, body) {
    action.start({
      label,
      send: (key) => call('POST', `/admin/withdrawals/${encodeURIComponent(id)}/${suffix}`, { key, body }),
      onSuccess: () => {
        setRejecting(false);
        setReason('');
        return loaded.reload();
      },
      describe: (error) => {
        if (error instanceof ApiProblem && error.problem.code === 'invalid_state_transition') {
          loaded.reload();
          return `Another admin acted on this withdrawal first; it has been reloaded. ${error.problem.detail ?? ''}`;
        }
        return errorWords(error);
      },
    });
  }

  /** @param {Event} e */
  function confirmReject(e) {
    e.preventDefault();
    if (reason.trim() === '') {
      setReasonError('Give a reason: the player is told why.');
      return;
    }
    setReasonError('');
    act('Reject', 'reject', { reason: reason.trim() });
  }

  if (!w) return html`<div class="page"><h1>Withdrawal</h1><${LoadState} loaded=${loaded} /></div>`;
  const actions = ACTING_ROLES.includes(role) ? allowedActions(w) : [];
  return html`<div class="page"><h1>Withdrawal</h1>
    <p><a href=${`#/withdrawals?state=${w.state}`}>Back to the queue</a></p>
    <${LoadState} loaded=${loaded} />
    ${w.state === AWAITING &&
    html`<p class="notice" role="status">Large withdrawal: it needs a second approval by an admin other than ${w.first_approval?.email ?? 'the first approver'}.</p>`}
    <dl class="facts">
      <dt>Amount</dt><dd>${money(w.amount, w.currency)}</dd>
      <dt>State</dt><dd><${Badge} kind="state" value=${w.state} /></dd>
      <dt>Player</dt><dd><a href=${`#/players/${w.player_id}`} class="mono">${w.player_id}</a></dd>
      <dt>Destination</dt><dd>${w.destination.type}: ${w.destination.account}</dd>
      <dt>Created</dt><dd><${When} at=${w.created_at} /></dd>
      <dt>Updated</dt><dd><${When} at=${w.updated_at} /></dd>
      ${w.first_approval &&
      html`<dt>First approval</dt><dd data-testid="first-approval">${w.first_approval.email},
        <${When} at=${w.first_approval.approved_at} /></dd>`}
      ${w.reject_reason && html`<dt>Reject reason</dt><dd>${w.reject_reason}</dd>`}
      <dt>Id</dt><dd class="mono">${w.id}</dd>
    </dl>
    <h2>Payout attempts</h2>
    ${w.attempts.length === 0
      ? html`<p class="muted">No payout attempt yet.</p>`
      : html`<ol aria-label="Payout attempts" class="timeline">
          ${w.attempts.map(
            (a) => html`<li>
              <${Badge} value=${a.status} />
              <span>Provider ref: <span class="mono">${orDash(a.provider_ref)}</span></span>
              <span>Failure code: <span class="mono">${orDash(a.failure_code)}</span></span>
              <span class="muted">${a.provider}, started <${When} at=${a.created_at} />, updated <${When} at=${a.updated_at} /></span>
            </li>`,
          )}
        </ol>`}
    ${actions.length > 0 &&
    html`<div class="actions">
      ${actions.map(([label, suffix]) =>
        suffix === 'reject'
          ? html`<button type="button" class="danger" disabled=${action.busy}
              aria-expanded=${rejecting ? 'true' : 'false'} onClick=${() => setRejecting(!rejecting)}>Reject</button>`
          : html`<button type="button" disabled=${action.busy} onClick=${() => act(label, suffix)}>${label}</button>`,
      )}
    </div>`}
    ${rejecting &&
    actions.some(([, s]) => s === 'reject') &&
    html`<form class="reject" onSubmit=${confirmReject}>
      <label for="reject-reason">Reason</label>
      <textarea id="reject-reason" required maxlength="500" value=${reason}
        onInput=${(/** @type {any} */ e) => setReason(e.currentTarget.value)}></textarea>
      ${reasonError && html`<p class="field-error" role="alert">${reasonError}</p>`}
      <button type="submit" class="danger" disabled=${action.busy}>Confirm reject</button>
    </form>`}
    <${ActionStatus} action=${action} /></div>`;
}
