// Responsible gambling for the player: deposit, loss and wager limits (a raise or removal
// waits for the tenant's cooling-off), and timeouts or self-exclusion after a confirmation.
import { html, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { amountHint, validAmount } from '../money.js';
import { EXCLUSION_KINDS, ExclusionTable, LIMIT_KINDS, LIMIT_PERIODS, LimitTables, exclusionWords } from '../protection-words.js';
import { LoadState, Pager, useLoad, usePages } from '../ui.js';
import { useWallet } from './wallet.js';

/** @typedef {import('../protection-words.js').Limits} Limits */

/** @param {{id: string, label: string, value: string, set: (v: string) => void, options: Record<string, any>}} props */
function Choice({ id, label, value, set, options }) {
  return html`<label for=${id}>${label}</label>
    <select id=${id} value=${value} onChange=${(/** @type {any} */ e) => set(e.currentTarget.value)}>
      ${Object.entries(options).map(([v, words]) => html`<option value=${v}>${typeof words === 'string' ? words : words.name}</option>`)}
    </select>`;
}

export function LimitsPage() {
  const wallet = useWallet();
  const limits = useLoad(() => /** @type {Promise<Limits>} */ (get('/me/limits')), []);
  const action = useAction();
  const [kind, setKind] = useState('deposit');
  const [period, setPeriod] = useState('day');
  const [amount, setAmount] = useState('');
  const [inputError, setInputError] = useState('');
  const [applied, setApplied] = useState('');
  const currency = wallet.data?.currency ?? 'EUR';

  /** @param {string | null} value */
  function send(value) {
    setApplied('');
    action.start({
      label: value === null ? 'Remove limit' : 'Set limit',
      send: (key) => call('PUT', '/me/limits', { key, body: { kind, period, amount: value } }),
      onSuccess: async (/** @type {Limits} */ answer) => {
        const waiting = answer.pending.some((p) => p.kind === kind && p.period === period);
        setApplied(
          waiting
            ? 'A higher limit or a removal applies only after the cooling-off period: it is listed under pending changes.'
            : 'The limit applies now.',
        );
        setAmount('');
        await limits.reload();
      },
    });
  }

  /** @param {Event} e */
  function submit(e) {
    e.preventDefault();
    const value = amount.trim();
    if (!validAmount(value, currency)) {
      setInputError(amountHint(currency));
      return;
    }
    setInputError('');
    send(value);
  }

  return html`<div class="page"><h1>Limits</h1>
    <p class="muted">A new or lower limit applies at once. A higher limit or a removal applies after the
      cooling-off period your operator sets. Windows roll: the last 24 hours, 7 days or 30 days.</p>
    <${LoadState} loaded=${limits} />
    ${limits.data && html`<${LimitTables} limits=${limits.data} currency=${currency} />`}
    <h2>Change a limit</h2>
    <form onSubmit=${submit}>
      <${Choice} id="limit-kind" label="Limit" value=${kind} set=${setKind} options=${LIMIT_KINDS} />
      <${Choice} id="limit-period" label="Window" value=${period} set=${setPeriod} options=${LIMIT_PERIODS} />
      <label for="limit-amount">Amount (${currency})</label>
      <input id="limit-amount" inputmode="decimal" autocomplete="off" value=${amount}
        onInput=${(/** @type {any} */ e) => setAmount(e.currentTarget.value)} />
      ${inputError && html`<p class="field-error" role="alert">${inputError}</p>`}
      <div class="actions">
        <button type="submit" disabled=${action.busy}>Set limit</button>
        <button type="button" class="secondary" disabled=${action.busy} onClick=${() => send(null)}>Remove limit</button>
      </div>
    </form>
    ${applied && html`<p class="notice" role="status">${applied}</p>`}
    <${ActionStatus} action=${action} /></div>`;
}

export function BreaksPage() {
  const exclusions = usePages((cursor) => get('/me/exclusions', { cursor }), []);
  const action = useAction();
  const [kind, setKind] = useState(/** @type {keyof typeof EXCLUSION_KINDS} */ ('timeout'));
  const [days, setDays] = useState('1');
  const [confirming, setConfirming] = useState(false);
  const [inputError, setInputError] = useState('');
  const bounds = EXCLUSION_KINDS[kind];
  const count = Number(days);

  /** @param {Event} e */
  function review(e) {
    e.preventDefault();
    if (!Number.isInteger(count) || count < bounds.min || count > bounds.max) {
      setInputError(`${bounds.name}: a whole number of days from ${bounds.min} to ${bounds.max}.`);
      return;
    }
    setInputError('');
    setConfirming(true);
  }

  function confirm() {
    action.start({
      label: exclusionWords(kind),
      send: (key) => call('POST', '/me/exclusions', { key, body: { kind, days: count } }),
      onSuccess: async () => {
        setConfirming(false);
        await exclusions.loaded.reload();
      },
    });
  }

  return html`<div class="page"><h1>Take a break</h1>
    <p class="muted">While a timeout or self-exclusion is in force you cannot deposit or play. You can still
      sign in, see your wallet and withdraw. Nobody can shorten or lift it, not even support.</p>
    <form onSubmit=${review}>
      <${Choice} id="break-kind" label="Kind" value=${kind} options=${EXCLUSION_KINDS} set=${(/** @type {any} */ v) => {
        setKind(v);
        setDays(String(EXCLUSION_KINDS[/** @type {keyof typeof EXCLUSION_KINDS} */ (v)].min));
        setConfirming(false);
      }} />
      <label for="break-days">Days (${bounds.min} to ${bounds.max})</label>
      <input id="break-days" inputmode="numeric" autocomplete="off" value=${days}
        onInput=${(/** @type {any} */ e) => {
          setDays(e.currentTarget.value);
          setConfirming(false);
        }} />
      ${inputError && html`<p class="field-error" role="alert">${inputError}</p>`}
      <button type="submit" disabled=${action.busy || confirming}>Continue</button>
    </form>
    ${confirming &&
    html`<div class="confirm" role="group" aria-label="Confirm">
      <p><strong>${bounds.name} for ${count} days.</strong> From now until
        ${new Date(Date.now() + count * 86_400_000).toLocaleString()} you will not be able to deposit or play,
        and it cannot be undone.</p>
      <button type="button" class="danger" disabled=${action.busy} onClick=${confirm}>Confirm ${bounds.name.toLowerCase()}</button>
      <button type="button" class="secondary" disabled=${action.busy} onClick=${() => setConfirming(false)}>Cancel</button>
    </div>`}
    <${ActionStatus} action=${action} />
    <h2>Your timeouts and self-exclusions</h2>
    <${LoadState} loaded=${exclusions.loaded} />
    <${ExclusionTable} items=${exclusions.loaded.data?.items ?? []} />
    <${Pager} pages=${exclusions} /></div>`;
}
