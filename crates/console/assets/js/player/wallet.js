// The player's wallet (available, held) and history.
import { html } from '../../vendor/standalone.module.js';
import { get } from '../api.js';
import { money } from '../money.js';
import { kindWords } from '../words.js';
import { LoadState, Pager, Table, When, useLoad, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['WalletView']} WalletView */
/** @typedef {import('../../types/kasa-api').components['schemas']['TransactionView']} Transaction */

/** `GET /me/wallet`, reloadable. */
export function useWallet() {
  return useLoad(() => /** @type {Promise<WalletView>} */ (get('/me/wallet')), []);
}

/** @param {{wallet: import('../ui.js').Loaded<WalletView>}} props */
export function Balances({ wallet }) {
  const w = wallet.data;
  return html`<div class="page"><${LoadState} loaded=${wallet} />
    ${w &&
    html`<dl class="facts balances">
      <dt>Available</dt><dd data-testid="available">${money(w.available, w.currency)}</dd>
      <dt>Held</dt><dd data-testid="held">${money(w.held, w.currency)}</dd>
    </dl>`}</div>`;
}

export function Wallet() {
  const wallet = useWallet();
  const history = usePages((cursor) => get('/me/transactions', { cursor }), []);
  /** @type {Transaction[]} */
  const items = history.loaded.data?.items ?? [];
  return html`<div class="page"><h1>Wallet</h1>
    <${Balances} wallet=${wallet} />
    <h2>History</h2>
    <${LoadState} loaded=${history.loaded} />
    <${Table}
      label="History"
      head=${['When', 'What', 'Amount', 'Available after', 'Held after']}
      empty="No movements yet."
      rows=${items.map(
        (t) => html`<tr>
          <td><${When} at=${t.created_at} /></td>
          <td data-kind=${t.kind}>${kindWords(t.kind)}</td>
          <td>${money(t.amount, t.currency)}</td>
          <td>${money(t.available_after, t.currency)}</td>
          <td>${money(t.held_after, t.currency)}</td>
        </tr>`,
      )}
    />
    <${Pager} pages=${history} /></div>`;
}
