// Deposits of the admin's scope, filtered by status and player.
import { html, useState } from '../../vendor/standalone.module.js';
import { get } from '../api.js';
import { money } from '../money.js';
import { Badge, LoadState, Pager, Table, When, orDash, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['DepositView']} Deposit */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {{items: Deposit[]}} props */
export function DepositTable({ items }) {
  return html`<${Table}
    label="Deposits"
    head=${['Amount', 'Status', 'Player', 'Provider ref', 'Failure code', 'Created']}
    empty="No deposits."
    rows=${items.map(
      (d) => html`<tr>
        <td>${money(d.amount, d.currency)}</td>
        <td><${Badge} value=${d.status} /></td>
        <td><a href=${`#/players/${d.player_id}`} class="mono">${d.player_id.slice(0, 8)}</a></td>
        <td class="mono">${orDash(d.provider_ref)}</td>
        <td class="mono">${orDash(d.failure_code)}</td>
        <td><${When} at=${d.created_at} /></td>
      </tr>`,
    )}
  />`;
}

export function Deposits() {
  const [status, setStatus] = useState('');
  const [playerInput, setPlayerInput] = useState('');
  const [player, setPlayer] = useState('');
  const [playerError, setPlayerError] = useState('');
  const pages = usePages(
    (cursor) => get('/admin/deposits', { status, player_id: player, cursor }),
    [status, player],
  );
  /** @param {Event} e */
  function applyPlayer(e) {
    e.preventDefault();
    const value = playerInput.trim();
    if (value !== '' && !UUID.test(value)) {
      setPlayerError('A player id is a UUID, e.g. 0190a1b2-…');
      return;
    }
    setPlayerError('');
    setPlayer(value);
  }
  return html`<div class="page"><h1>Deposits</h1>
    <form class="filters" onSubmit=${applyPlayer}>
      <div>
        <label for="deposit-status">Status</label>
        <select id="deposit-status" value=${status}
          onChange=${(/** @type {any} */ e) => setStatus(e.currentTarget.value)}>
          <option value="">All</option>
          <option value="pending">pending</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      </div>
      <div>
        <label for="deposit-player">Player id</label>
        <input id="deposit-player" value=${playerInput}
          onInput=${(/** @type {any} */ e) => setPlayerInput(e.currentTarget.value)} />
      </div>
      <button type="submit">Filter</button>
      ${playerError && html`<p class="field-error" role="alert">${playerError}</p>`}
    </form>
    <${LoadState} loaded=${pages.loaded} />
    <${DepositTable} items=${pages.loaded.data?.items ?? []} />
    <${Pager} pages=${pages} /></div>`;
}
