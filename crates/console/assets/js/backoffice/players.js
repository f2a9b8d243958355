// Player lookup by email, and one player's wallet, history, deposits and withdrawals.
import { html, useState } from '../../vendor/standalone.module.js';
import { get } from '../api.js';
import { money } from '../money.js';
import { kindWords } from '../words.js';
import { LoadState, Pager, Table, When, orDash, useLoad, usePages } from '../ui.js';
import { DepositTable } from './deposits.js';
import { WithdrawalTable } from './withdrawals.js';
import { PlayerProtection } from './protection.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['PlayerView']} Player */
/** @typedef {import('../../types/kasa-api').components['schemas']['WalletView']} Wallet */
/** @typedef {import('../../types/kasa-api').components['schemas']['TransactionView']} Transaction */

export function Players() {
  const [input, setInput] = useState('');
  const [email, setEmail] = useState(/** @type {string | null} */ (null));
  const pages = usePages(
    async (cursor) => {
      if (email === null) return { items: [], next_cursor: null };
      return get('/admin/players', { email, cursor });
    },
    [email],
  );
  /** @type {Player[]} */
  const items = pages.loaded.data?.items ?? [];
  return html`<div class="page"><h1>Players</h1>
    <form class="filters" role="search" onSubmit=${(/** @type {Event} */ e) => {
      e.preventDefault();
      setEmail(input.trim());
    }}>
      <div>
        <label for="player-email">Email</label>
        <input id="player-email" type="search" value=${input} placeholder="start of an email"
          onInput=${(/** @type {any} */ e) => setInput(e.currentTarget.value)} />
      </div>
      <button type="submit">Search</button>
    </form>
    <${LoadState} loaded=${pages.loaded} />
    ${email !== null &&
    html`<${Table}
      label="Players"
      head=${['Email', 'Tenant', 'Currency', 'Created']}
      empty="No player's email starts with that."
      rows=${items.map(
        (p) => html`<tr>
          <td><a href=${`#/players/${p.player_id}`}>${p.email}</a></td>
          <td>${p.tenant}</td>
          <td>${p.currency}</td>
          <td><${When} at=${p.created_at} /></td>
        </tr>`,
      )}
    />`}
    <${Pager} pages=${pages} /></div>`;
}

/** @param {{items: Transaction[]}} props */
export function TransactionTable({ items }) {
  return html`<${Table}
    label="Transactions"
    head=${['When', 'Kind', 'Amount', 'Available after', 'Held after', 'Reference']}
    empty="No transactions."
    rows=${items.map(
      (t) => html`<tr>
        <td><${When} at=${t.created_at} /></td>
        <td data-kind=${t.kind}>${kindWords(t.kind)}</td>
        <td>${money(t.amount, t.currency)}</td>
        <td>${money(t.available_after, t.currency)}</td>
        <td>${money(t.held_after, t.currency)}</td>
        <td><span class="muted">${t.reference_type}</span> <span class="mono">${orDash(t.reference_id).slice(0, 8)}</span></td>
      </tr>`,
    )}
  />`;
}

/** @param {{id: string, role: string}} props */
export function PlayerPage({ id, role }) {
  const path = `/admin/players/${encodeURIComponent(id)}`;
  const profile = useLoad(() => get(path), [id]);
  const wallet = useLoad(() => get(`${path}/wallet`), [id]);
  const transactions = usePages((cursor) => get(`${path}/transactions`, { cursor }), [id]);
  const deposits = usePages((cursor) => get('/admin/deposits', { player_id: id, cursor }), [id]);
  const withdrawals = usePages((cursor) => get('/admin/withdrawals', { player_id: id, cursor }), [id]);
  /** @type {Player | null} */
  const player = profile.data;
  /** @type {Wallet | null} */
  const w = wallet.data;
  return html`<div class="page"><h1>Player</h1>
    <dl class="facts">
      ${player && html`<dt>Email</dt><dd>${player.email}</dd><dt>Tenant</dt><dd>${player.tenant}</dd>`}
      <dt>Id</dt><dd class="mono">${id}</dd>
      ${w && html`<dt>Available</dt><dd data-testid="available">${money(w.available, w.currency)}</dd>
        <dt>Held</dt><dd data-testid="held">${money(w.held, w.currency)}</dd>
        <dt>Wallet updated</dt><dd><${When} at=${w.updated_at} /></dd>`}
    </dl>
    <${LoadState} loaded=${profile} />
    <${LoadState} loaded=${wallet} />
    ${player &&
    html`<${PlayerProtection} id=${id} player=${player} currency=${player.currency} role=${role}
      onChanged=${() => profile.reload()} />`}
    <section>
      <h2>Transactions</h2>
      <${LoadState} loaded=${transactions.loaded} />
      <${TransactionTable} items=${transactions.loaded.data?.items ?? []} />
      <${Pager} pages=${transactions} />
    </section>
    <section>
      <h2>Deposits</h2>
      <${LoadState} loaded=${deposits.loaded} />
      <${DepositTable} items=${deposits.loaded.data?.items ?? []} />
      <${Pager} pages=${deposits} />
    </section>
    <section>
      <h2>Withdrawals</h2>
      <${LoadState} loaded=${withdrawals.loaded} />
      <${WithdrawalTable} items=${withdrawals.loaded.data?.items ?? []} />
      <${Pager} pages=${withdrawals} />
    </section></div>`;
}
