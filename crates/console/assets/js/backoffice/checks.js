// Anomalies, the audit log with its chain verification, and ledger verification.
import { html, useRef, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { newKey } from '../actions.js';
import { ErrorAlert, LoadState, Pager, Table, When, orDash, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['AnomalyView']} Anomaly */
/** @typedef {import('../../types/kasa-api').components['schemas']['AuditEventView']} AuditEvent */
/** @typedef {import('../../types/kasa-api').components['schemas']['AuditReport']} AuditReport */
/** @typedef {import('../../types/kasa-api').components['schemas']['LedgerReport']} LedgerReport */

/** A link to what an anomaly or event names, when the console has a page for it.
 * @param {{type: string, id: string | null | undefined}} props */
function Reference({ type, id }) {
  if (!id) return html`<span>${type}</span>`;
  const short = html`<span class="mono">${id.slice(0, 8)}</span>`;
  if (type === 'withdrawal') return html`${type} <a href=${`#/withdrawals/${id}`}>${short}</a>`;
  if (type === 'player') return html`${type} <a href=${`#/players/${id}`}>${short}</a>`;
  return html`${type} ${short}`;
}

export function Anomalies() {
  const pages = usePages((cursor) => get('/admin/anomalies', { cursor }), []);
  /** @type {Anomaly[]} */
  const items = pages.loaded.data?.items ?? [];
  return html`<div class="page"><h1>Anomalies</h1>
    <p class="muted">Late or contradicting PSP events: recorded, no money moved.</p>
    <${LoadState} loaded=${pages.loaded} />
    <${Table}
      label="Anomalies"
      head=${['When', 'Kind', 'Provider', 'Reference', 'Event', 'Detail']}
      empty="No anomalies."
      rows=${items.map(
        (a) => html`<tr>
          <td><${When} at=${a.created_at} /></td>
          <td>${a.kind.replace(/_/g, ' ')}</td>
          <td>${a.provider}</td>
          <td><${Reference} type=${a.reference_type} id=${a.reference_id} /></td>
          <td class="mono">${a.event_id}</td>
          <td>${a.detail}</td>
        </tr>`,
      )}
    />
    <${Pager} pages=${pages} /></div>`;
}

/**
 * Runs one check at a time (a ref guards against double clicks).
 * @template T
 * @param {() => Promise<T>} run
 */
function useCheck(run) {
  const running = useRef(false);
  const [state, setState] = useState(/** @type {{busy: boolean, result: T | null, error: unknown}} */ ({ busy: false, result: null, error: null }));
  async function start() {
    if (running.current) return;
    running.current = true;
    setState({ busy: true, result: null, error: null });
    try {
      setState({ busy: false, result: await run(), error: null });
    } catch (error) {
      setState({ busy: false, result: null, error });
    } finally {
      running.current = false;
    }
  }
  return { ...state, start };
}

export function Audit() {
  const pages = usePages((cursor) => get('/admin/audit-events', { cursor }), []);
  const check = useCheck(() => /** @type {Promise<AuditReport>} */ (get('/admin/audit-events/verify')));
  /** @type {AuditEvent[]} */
  const items = pages.loaded.data?.items ?? [];
  const report = check.result;
  return html`<div class="page"><h1>Audit</h1>
    <button type="button" disabled=${check.busy} onClick=${check.start}>Verify chain</button>
    ${report &&
    html`<p role="status" class=${report.ok ? 'ok' : 'alert'}>
      ${report.ok
        ? `Chain verified: ${report.count} events`
        : `Chain broken: ${report.broken
            ? `chain ${report.broken.chain_id}, event #${report.broken.seq}: ${report.broken.reason}`
            : 'a link does not verify'} (${report.count} events checked)`}
    </p>`}
    <${ErrorAlert} error=${check.error} />
    <${LoadState} loaded=${pages.loaded} />
    <${Table}
      label="Audit events"
      head=${['When', 'Actor', 'Role', 'Action', 'Target', 'Chain #', 'Request']}
      empty="No audit events."
      rows=${items.map(
        (e) => html`<tr>
          <td><${When} at=${e.created_at} /></td>
          <td>${e.actor}</td>
          <td>${e.role}</td>
          <td>${e.action}</td>
          <td><${Reference} type=${e.target_type} id=${e.target_id} /></td>
          <td>${e.chain.slice(0, 8)} #${e.seq}</td>
          <td class="mono">${orDash(e.request_id).slice(0, 12)}</td>
        </tr>`,
      )}
    />
    <${Pager} pages=${pages} /></div>`;
}

export function Ledger() {
  const check = useCheck(
    () => /** @type {Promise<LedgerReport>} */ (call('POST', '/admin/ledger/verify', { key: newKey() })),
  );
  const report = check.result;
  return html`<div class="page"><h1>Ledger</h1>
    <p class="muted">Recomputes every wallet from the ledger and checks that every transaction balances to zero.</p>
    <button type="button" disabled=${check.busy} onClick=${check.start}>Verify ledger</button>
    ${report &&
    html`<div role="status" class=${report.ok ? 'ok' : 'alert'}>
      ${report.ok
        ? `Ledger balanced: ${report.wallets_checked} wallets checked`
        : html`<p>Ledger does not balance: ${report.mismatches.length} mismatches (${report.wallets_checked} wallets checked)</p>
            <ul>
              ${report.mismatches.map((m) => html`<li class="mono">${JSON.stringify(m)}</li>`)}
            </ul>`}
    </div>`}
    <${ErrorAlert} error=${check.error} /></div>`;
}
