// Withdraw to a destination, the player's own withdrawals, one of them, cancel.
import { html, useState } from '../../vendor/standalone.module.js';
import { ApiProblem, call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { amountHint, money, validAmount } from '../money.js';
import { navigate } from '../router.js';
import { Badge, LoadState, Pager, Table, When, orDash, useLoad, usePages } from '../ui.js';
import { Balances, useWallet } from './wallet.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['WithdrawalView']} Withdrawal */

/** Destination types offered (the API takes any 1..32 of a-z and _). */
const DESTINATION_TYPES = [
  ['bank_account', 'Bank account (IBAN)'],
  ['card', 'Card'],
  ['e_wallet', 'E-wallet'],
];

export function WithdrawPage() {
  const wallet = useWallet();
  const action = useAction();
  const [amount, setAmount] = useState('');
  const [type, setType] = useState('bank_account');
  const [account, setAccount] = useState('');
  const [inputError, setInputError] = useState('');
  const currency = wallet.data?.currency ?? 'EUR';

  /** @param {Event} e */
  function submit(e) {
    e.preventDefault();
    const value = amount.trim();
    if (!validAmount(value, currency)) {
      setInputError(amountHint(currency));
      return;
    }
    if (account.trim() === '') {
      setInputError('Give the account to pay to.');
      return;
    }
    setInputError('');
    const body = { amount: value, currency, destination: { type, account: account.trim() } };
    action.start({
      label: 'Withdraw',
      send: (key) => call('POST', '/me/withdrawals', { key, body }),
      onSuccess: (/** @type {Withdrawal} */ w) => navigate(`#/withdrawals/${w.id}`),
    });
  }

  return html`<div class="page"><h1>Withdraw</h1>
    <${Balances} wallet=${wallet} />
    <form onSubmit=${submit}>
      <label for="withdraw-amount">Amount</label>
      <input id="withdraw-amount" inputmode="decimal" autocomplete="off" required value=${amount}
        aria-describedby="withdraw-help" onInput=${(/** @type {any} */ e) => setAmount(e.currentTarget.value)} />
      <label for="withdraw-type">Destination type</label>
      <select id="withdraw-type" value=${type} onChange=${(/** @type {any} */ e) => setType(e.currentTarget.value)}>
        ${DESTINATION_TYPES.map(([value, name]) => html`<option value=${value}>${name}</option>`)}
      </select>
      <label for="withdraw-account">Account</label>
      <input id="withdraw-account" required maxlength="64" autocomplete="off" value=${account}
        placeholder="DE89370400440532013000" onInput=${(/** @type {any} */ e) => setAccount(e.currentTarget.value)} />
      ${inputError && html`<p class="field-error" role="alert">${inputError}</p>`}
      <button type="submit" disabled=${action.busy}>Withdraw</button>
    </form>
    <div id="withdraw-help" class="help">
      <p>In ${currency}; the amount is held until the withdrawal is paid, rejected or cancelled. Demo payout amounts:</p>
      <ul>
        <li><code>x.66</code> (e.g. 5.66): the PSP times out; the payout stays unknown until a recheck finds it paid.</li>
        <li><code>x.77</code>: the payout fails a moment later; a retry pays it.</li>
        <li>Anything else: paid.</li>
      </ul>
    </div>
    <${ActionStatus} action=${action} /></div>`;
}

/** The cancel button of a `requested` withdrawal.
 * @param {{w: Withdrawal, action: ReturnType<typeof useAction>, onDone: () => void}} props */
function CancelButton({ w, action, onDone }) {
  if (w.state !== 'requested') return null;
  return html`<button type="button" class="danger" disabled=${action.busy}
    onClick=${() =>
      action.start({
        label: 'Cancel',
        send: (key) => call('POST', `/me/withdrawals/${encodeURIComponent(w.id)}/cancel`, { key }),
        onSuccess: onDone,
      })}>Cancel</button>`;
}

export function MyWithdrawals() {
  const pages = usePages((cursor) => get('/me/withdrawals', { cursor }), []);
  const action = useAction();
  /** @type {Withdrawal[]} */
  const items = pages.loaded.data?.items ?? [];
  return html`<div class="page"><h1>My withdrawals</h1>
    <${ActionStatus} action=${action} />
    <${LoadState} loaded=${pages.loaded} />
    <${Table}
      label="My withdrawals"
      head=${['Amount', 'State', 'Destination', 'Requested', '']}
      empty="No withdrawals yet."
      rows=${items.map(
        (w) => html`<tr>
          <td><a href=${`#/withdrawals/${w.id}`}>${money(w.amount, w.currency)}</a></td>
          <td><${Badge} kind="state" value=${w.state} /></td>
          <td>${w.destination.type}: ${w.destination.account}</td>
          <td><${When} at=${w.created_at} /></td>
          <td><${CancelButton} w=${w} action=${action} onDone=${pages.loaded.reload} /></td>
        </tr>`,
      )}
    />
    <${Pager} pages=${pages} /></div>`;
}

/** @param {{id: string}} props */
export function MyWithdrawal({ id }) {
  const loaded = useLoad(() => get(`/me/withdrawals/${encodeURIComponent(id)}`), [id]);
  const action = useAction();
  /** @type {Withdrawal | null} */
  const w = loaded.data;
  if (loaded.error instanceof ApiProblem && loaded.error.status === 404) {
    return html`<div class="page"><h1>Withdrawal</h1><div class="alert" role="alert">Withdrawal not found.</div></div>`;
  }
  if (w === null) return html`<div class="page"><h1>Withdrawal</h1><${LoadState} loaded=${loaded} /></div>`;
  return html`<div class="page"><h1>Withdrawal</h1>
    <p><a href="#/withdrawals">Back to the list</a></p>
    <dl class="facts">
      <dt>Amount</dt><dd>${money(w.amount, w.currency)}</dd>
      <dt>State</dt><dd><${Badge} kind="state" value=${w.state} /></dd>
      <dt>Destination</dt><dd>${w.destination.type}: ${w.destination.account}</dd>
      <dt>Created</dt><dd><${When} at=${w.created_at} /></dd>
      <dt>Updated</dt><dd><${When} at=${w.updated_at} /></dd>
      ${w.reject_reason && html`<dt>Reason for rejection</dt><dd>${w.reject_reason}</dd>`}
    </dl>
    <h2>Payouts</h2>
    ${w.attempts.length === 0
      ? html`<p class="muted">Not paid out yet.</p>`
      : html`<ol aria-label="Payout attempts" class="timeline">
          ${w.attempts.map(
            (a) => html`<li><${Badge} value=${a.status} /> <span>Provider ref: ${orDash(a.provider_ref)}</span>
              <span>Failure code: ${orDash(a.failure_code)}</span> <${When} at=${a.updated_at} /></li>`,
          )}
        </ol>`}
    <div class="actions"><${CancelButton} w=${w} action=${action} onDone=${loaded.reload} /></div>
    <${ActionStatus} action=${action} /></div>`;
}
