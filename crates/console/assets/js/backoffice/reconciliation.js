// Reconciliation runs: the list, starting one for a window, and one run's stats and findings.
import { html, useEffect, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { fromMinor } from '../money.js';
import { navigate } from '../router.js';
import { Badge, LoadState, Pager, Table, When, orDash, useLoad, usePages } from '../ui.js';
import { ACTING_ROLES } from './withdrawals.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['ReconciliationRunView']} Run */
/** @typedef {import('../../types/kasa-api').components['schemas']['ReconciliationRunDetail']} RunDetail */
/** @typedef {import('../../types/kasa-api').components['schemas']['FindingView']} Finding */

/** A Date as a `datetime-local` value in local time. @param {Date} d */
function localInput(d) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** @param {{role: string}} props */
export function Reconciliation({ role }) {
  const pages = usePages((cursor) => get('/admin/reconciliation-runs', { cursor }), []);
  const action = useAction();
  const now = new Date();
  const [provider, setProvider] = useState('mock');
  const [from, setFrom] = useState(() => localInput(new Date(now.getTime() - 24 * 3600 * 1000)));
  const [to, setTo] = useState(() => localInput(new Date(now.getTime() + 60 * 1000)));
  const [formError, setFormError] = useState('');
  /** @type {Run[]} */
  const items = pages.loaded.data?.items ?? [];

  /** @param {Event} e */
  function start(e) {
    e.preventDefault();
    const fromDate = new Date(from);
    const toDate = new Date(to);
    if (isNaN(fromDate.getTime()) || isNaN(toDate.getTime()) || fromDate >= toDate) {
      setFormError('From must be a date and time before To.');
      return;
    }
    setFormError('');
    const body = { provider: provider.trim(), from: fromDate.toISOString(), to: toDate.toISOString() };
    action.start({
      label: 'Start run',
      send: (key) => call('POST', '/admin/reconciliation-runs', { key, body }),
      onSuccess: (/** @type {Run} */ run) => navigate(`#/reconciliation/${run.id}`),
    });
  }

  return html`<div class="page"><h1>Reconciliation</h1>
    ${ACTING_ROLES.includes(role)
      ? html`<form class="filters" onSubmit=${start}>
          <div>
            <label for="run-provider">Provider</label>
            <input id="run-provider" required value=${provider}
              onInput=${(/** @type {any} */ e) => setProvider(e.currentTarget.value)} />
          </div>
          <div>
            <label for="run-from">From</label>
            <input id="run-from" type="datetime-local" required value=${from}
              onInput=${(/** @type {any} */ e) => setFrom(e.currentTarget.value)} />
          </div>
          <div>
            <label for="run-to">To</label>
            <input id="run-to" type="datetime-local" required value=${to}
              onInput=${(/** @type {any} */ e) => setTo(e.currentTarget.value)} />
          </div>
          <button type="submit" disabled=${action.busy}>Start run</button>
          ${formError && html`<p class="field-error" role="alert">${formError}</p>`}
        </form>
        <${ActionStatus} action=${action} />`
      : html`<p class="muted">Your role can read runs; starting one needs finance or above.</p>`}
    <${LoadState} loaded=${pages.loaded} />
    <${Table}
      label="Reconciliation runs"
      head=${['Created', 'Status', 'Provider', 'From', 'To', 'Matched', 'Mismatched']}
      empty="No runs yet."
      rows=${items.map(
        (r) => html`<tr>
          <td><a href=${`#/reconciliation/${r.id}`}><${When} at=${r.created_at} /></a></td>
          <td><${Badge} value=${r.status} /></td>
          <td>${r.provider}</td>
          <td><${When} at=${r.from} /></td>
          <td><${When} at=${r.to} /></td>
          <td>${r.stats.matched}</td>
          <td>${r.stats.mismatched}</td>
        </tr>`,
      )}
    />
    <${Pager} pages=${pages} /></div>`;
}

/** @param {{id: string}} props */
export function ReconciliationRun({ id }) {
  const loaded = useLoad(() => get(`/admin/reconciliation-runs/${encodeURIComponent(id)}`), [id]);
  /** @type {RunDetail | null} */
  const run = loaded.data;
  const settled = run !== null && (run.status === 'succeeded' || run.status === 'failed');
  useEffect(() => {
    if (run === null || settled) return undefined;
    const timer = setTimeout(loaded.reload, 1000);
    return () => clearTimeout(timer);
  }, [run, settled]);
  if (run === null) return html`<div class="page"><h1>Reconciliation run</h1><${LoadState} loaded=${loaded} /></div>`;
  /** @type {Finding[]} */
  const findings = run.findings;
  const s = run.stats;
  return html`<div class="page"><h1>Reconciliation run</h1>
    <p><a href="#/reconciliation">All runs</a></p>
    <dl class="facts">
      <dt>Status</dt><dd><${Badge} value=${run.status} /></dd>
      <dt>Provider</dt><dd>${run.provider}</dd>
      <dt>Window</dt><dd><${When} at=${run.from} /> – <${When} at=${run.to} /></dd>
      <dt>Finished</dt><dd><${When} at=${run.finished_at} /></dd>
      ${run.error && html`<dt>Error</dt><dd>${run.error}</dd>`}
    </dl>
    <h2>Stats</h2>
    <dl class="facts stats">
      <dt>Matched</dt><dd>${s.matched}</dd>
      <dt>Mismatched</dt><dd>${s.mismatched}</dd>
      <dt>Missing in PSP</dt><dd>${s.missing_in_psp}</dd>
      <dt>Missing in Kasa</dt><dd>${s.missing_in_kasa}</dd>
      <dt>Wallet mismatches</dt><dd>${s.wallet_mismatches}</dd>
      <dt>Clearing mismatches</dt><dd>${s.clearing_mismatches}</dd>
      <dt>Unreadable</dt><dd>${s.unreadable}</dd>
    </dl>
    <h2>Findings</h2>
    <${Table}
      label="Findings"
      head=${['Kind', 'Reference', 'Kasa status', 'PSP status', 'Kasa amount', 'PSP amount', 'Detail']}
      empty="No findings."
      rows=${findings.map(
        (f) => html`<tr>
          <td>${f.kind.replace(/_/g, ' ')}</td>
          <td>${f.reference_type} <span class="mono">${f.reference.slice(0, 8)}</span></td>
          <td>${orDash(f.kasa_status)}</td>
          <td>${orDash(f.psp_status)}</td>
          <td>${fromMinor(f.kasa_amount_minor, f.currency)}</td>
          <td>${fromMinor(f.psp_amount_minor, f.currency)}</td>
          <td>${f.detail}</td>
        </tr>`,
      )}
    /></div>`;
}
