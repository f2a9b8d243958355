// A deposit: the amount, then its status, polled until it is settled.
import { html, useEffect, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { amountHint, money, validAmount } from '../money.js';
import { Badge, ErrorAlert } from '../ui.js';
import { Balances, useWallet } from './wallet.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['DepositView']} Deposit */

/** How often a pending deposit is asked for again. */
const POLL_MS = 1000;

export function DepositPage() {
  const wallet = useWallet();
  const action = useAction();
  const [amount, setAmount] = useState('');
  const [inputError, setInputError] = useState('');
  const [deposit, setDeposit] = useState(/** @type {Deposit | null} */ (null));
  const [pollError, setPollError] = useState(/** @type {unknown} */ (null));
  const currency = wallet.data?.currency ?? 'EUR';
  const settled = deposit !== null && deposit.status !== 'pending';

  useEffect(() => {
    if (deposit === null) return undefined;
    if (settled) {
      wallet.reload();
      return undefined;
    }
    const timer = setTimeout(async () => {
      try {
        setDeposit(await get(`/me/deposits/${encodeURIComponent(deposit.id)}`));
        setPollError(null);
      } catch (error) {
        setPollError(error);
        setDeposit({ ...deposit });
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [deposit, settled]);

  /** @param {Event} e */
  function submit(e) {
    e.preventDefault();
    const value = amount.trim();
    if (!validAmount(value, currency)) {
      setInputError(amountHint(currency));
      return;
    }
    setInputError('');
    action.start({
      label: 'Deposit',
      send: (key) => call('POST', '/me/deposits', { key, body: { amount: value, currency } }),
      onSuccess: (/** @type {Deposit} */ d) => setDeposit(d),
    });
  }

  return html`<div class="page"><h1>Deposit</h1>
    <${Balances} wallet=${wallet} />
    <form onSubmit=${submit}>
      <label for="deposit-amount">Amount</label>
      <input id="deposit-amount" inputmode="decimal" autocomplete="off" required value=${amount}
        aria-describedby="deposit-help" onInput=${(/** @type {any} */ e) => setAmount(e.currentTarget.value)} />
      ${inputError && html`<p class="field-error" role="alert">${inputError}</p>`}
      <button type="submit" disabled=${action.busy}>Deposit</button>
    </form>
    <div id="deposit-help" class="help">
      <p>In ${currency}. Demo amounts (the mock PSP decides by the cents):</p>
      <ul>
        <li><code>x.13</code> (e.g. 10.13): declined, the deposit ends failed.</li>
        <li><code>x.44</code>: succeeds, then a contradicting late event shows as an anomaly in the back office.</li>
        <li>Anything else: succeeds.</li>
      </ul>
    </div>
    <${ActionStatus} action=${action} />
    ${deposit &&
    html`<div role="status" class="deposit-status">
      Deposit of ${money(deposit.amount, deposit.currency)}: <${Badge} value=${deposit.status} />
      ${settled ? (deposit.status === 'succeeded' ? ' Credited to your wallet.' : ' Nothing was charged.') : ' Waiting for the payment provider…'}
    </div>`}
    <${ErrorAlert} error=${pollError} /></div>`;
}
