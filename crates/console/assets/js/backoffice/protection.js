// Player protection in the back office: a player's KYC status (set with a reason), limits
// and exclusions on their page, and the tenant's policy.
import { html, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { ExclusionTable, KYC_STATUSES, LimitTables, kycWords } from '../protection-words.js';
import { LoadState, Pager, useLoad, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['PlayerView']} Player */
/** @typedef {import('../protection-words.js').Limits} Limits */

/** Roles that may set KYC and edit the policy (finance for KYC only). */
const KYC_ROLES = ['finance', 'tenant_admin', 'platform_admin'];
const POLICY_ROLES = ['tenant_admin', 'platform_admin'];
const GATED = [
  ['deposit', 'Deposits'],
  ['withdrawal', 'Withdrawals'],
  ['game', 'Opening game sessions'],
];

/** @param {{id: string, player: Player, currency: string, role: string, onChanged: () => Promise<void>}} props */
export function PlayerProtection({ id, player, currency, role, onChanged }) {
  const path = `/admin/players/${encodeURIComponent(id)}`;
  const limits = useLoad(() => /** @type {Promise<Limits>} */ (get(`${path}/limits`)), [id]);
  const exclusions = usePages((cursor) => get(`${path}/exclusions`, { cursor }), [id]);
  const action = useAction();
  const [status, setStatus] = useState(player.kyc_status);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState('');

  /** @param {Event} e */
  function setKyc(e) {
    e.preventDefault();
    if (reason.trim() === '') {
      setReasonError('Give a reason: it is kept in the audit log.');
      return;
    }
    setReasonError('');
    action.start({
      label: 'Set KYC status',
      send: (key) => call('POST', `${path}/kyc`, { key, body: { status, reason: reason.trim() } }),
      onSuccess: async () => {
        setReason('');
        await onChanged();
      },
    });
  }

  return html`<section aria-label="Player protection"><h2>Player protection</h2>
    <dl class="facts"><dt>KYC status</dt><dd><span class="badge" data-testid="kyc-status"
      data-status=${player.kyc_status === 'verified' ? 'approved' : player.kyc_status}>${kycWords(player.kyc_status)}</span></dd></dl>
    ${KYC_ROLES.includes(role) &&
    html`<form class="filters" onSubmit=${setKyc}>
      <div><label for="kyc-status">New KYC status</label>
        <select id="kyc-status" value=${status} onChange=${(/** @type {any} */ e) => setStatus(e.currentTarget.value)}>
          ${Object.entries(KYC_STATUSES).map(([v, words]) => html`<option value=${v}>${words}</option>`)}
        </select></div>
      <div><label for="kyc-reason">Reason</label>
        <input id="kyc-reason" maxlength="500" value=${reason} onInput=${(/** @type {any} */ e) => setReason(e.currentTarget.value)} /></div>
      <button type="submit" disabled=${action.busy}>Set KYC status</button>
    </form>
    ${reasonError && html`<p class="field-error" role="alert">${reasonError}</p>`}
    <${ActionStatus} action=${action} />`}
    <h3>Limits</h3>
    <${LoadState} loaded=${limits} />
    ${limits.data && html`<${LimitTables} limits=${limits.data} currency=${currency} />`}
    <h3>Timeouts and self-exclusions</h3>
    <${LoadState} loaded=${exclusions.loaded} />
    <${ExclusionTable} items=${exclusions.loaded.data?.items ?? []} />
    <${Pager} pages=${exclusions} /></section>`;
}

/** "EUR 2000.00" lines from a threshold map, and back. @param {Record<string, string>} map */
const thresholdLines = (map) => Object.entries(map).map(([c, a]) => `${c} ${a}`).join('\n');

/** @param {string} text @returns {Record<string, string> | string} the map, or what is wrong */
function parseThresholds(text) {
  /** @type {Record<string, string>} */
  const map = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^([A-Z]{3})\s+([0-9]+(?:\.[0-9]+)?)$/.exec(line);
    if (!match) return `"${line}" is not "CUR amount" (e.g. EUR 2000.00).`;
    map[match[1] ?? ''] = match[2] ?? '';
  }
  return map;
}

/** The tenant's policy. @param {{role: string}} props */
export function PolicyPage({ role }) {
  const [slug, setSlug] = useState('');
  const [loadedSlug, setLoadedSlug] = useState('');
  const policy = useLoad(async () => (loadedSlug ? get(`/admin/tenants/${encodeURIComponent(loadedSlug)}/policy`) : null), [loadedSlug]);
  const p = policy.data;
  return html`<div class="page"><h1>Tenant policy</h1>
    <form class="filters" onSubmit=${(/** @type {Event} */ e) => {
      e.preventDefault();
      setLoadedSlug(slug.trim());
    }}>
      <div><label for="policy-tenant">Tenant (slug)</label>
        <input id="policy-tenant" value=${slug} onInput=${(/** @type {any} */ e) => setSlug(e.currentTarget.value)} /></div>
      <button type="submit">Open</button>
    </form>
    <${LoadState} loaded=${policy} />
    ${p && html`<${PolicyForm} key=${loadedSlug} slug=${loadedSlug} policy=${p} editable=${POLICY_ROLES.includes(role)}
      onSaved=${() => policy.reload()} />`}</div>`;
}

/** @param {{slug: string, policy: any, editable: boolean, onSaved: () => Promise<void>}} props */
function PolicyForm({ slug, policy, editable, onSaved }) {
  const action = useAction();
  const [hours, setHours] = useState(String(policy.cooling_off_hours));
  const [gated, setGated] = useState(/** @type {string[]} */ (policy.kyc_required_for));
  const [kycLines, setKycLines] = useState(thresholdLines(policy.kyc_deposit_threshold));
  const [dualLines, setDualLines] = useState(thresholdLines(policy.dual_approval_threshold));
  const [cancel, setCancel] = useState(Boolean(policy.player_cancel_allowed));
  const [inputError, setInputError] = useState('');
  const [saved, setSaved] = useState(false);

  /** @param {Event} e */
  function save(e) {
    e.preventDefault();
    const kyc = parseThresholds(kycLines);
    const dual = parseThresholds(dualLines);
    const cooling = Number(hours);
    const wrong = typeof kyc === 'string' ? kyc : typeof dual === 'string' ? dual : '';
    if (wrong || !Number.isInteger(cooling) || cooling < 0 || cooling > 720) {
      setInputError(wrong || 'Cooling-off: a whole number of hours from 0 to 720.');
      return;
    }
    setInputError('');
    setSaved(false);
    const body = {
      cooling_off_hours: cooling,
      kyc_required_for: gated,
      kyc_deposit_threshold: kyc,
      dual_approval_threshold: dual,
      player_cancel_allowed: cancel,
    };
    action.start({
      label: 'Save policy',
      send: () => call('PUT', `/admin/tenants/${encodeURIComponent(slug)}/policy`, { body }),
      onSuccess: async () => {
        setSaved(true);
        await onSaved();
      },
    });
  }

  const lines = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ value, /** @type {(v: string) => void} */ set) =>
    html`<label for=${id}>${label}</label>
      <textarea id=${id} disabled=${!editable} placeholder="EUR 2000.00" value=${value}
        onInput=${(/** @type {any} */ e) => set(e.currentTarget.value)}></textarea>`;
  return html`<form onSubmit=${save} aria-label="Policy">
    <label for="policy-cooling">Cooling-off before a raised or removed limit applies (hours)</label>
    <input id="policy-cooling" inputmode="numeric" disabled=${!editable} value=${hours}
      onInput=${(/** @type {any} */ e) => setHours(e.currentTarget.value)} />
    <fieldset disabled=${!editable}><legend>Only KYC-verified players may use</legend>
      ${GATED.map(
        ([value, name]) => html`<label class="check"><input type="checkbox" checked=${gated.includes(value ?? '')}
          onChange=${(/** @type {any} */ e) =>
            setGated(e.currentTarget.checked ? [...gated, value ?? ''] : gated.filter((g) => g !== value))} /> ${name}</label>`,
      )}
    </fieldset>
    ${lines('policy-kyc-threshold', 'KYC needed when 30-day deposits exceed (one "CUR amount" per line)', kycLines, setKycLines)}
    ${lines('policy-dual', 'Two admins must approve withdrawals from (one "CUR amount" per line)', dualLines, setDualLines)}
    <label class="check"><input type="checkbox" id="policy-cancel" disabled=${!editable} checked=${cancel}
      onChange=${(/** @type {any} */ e) => setCancel(e.currentTarget.checked)} /> Players may cancel their withdrawals</label>
    ${inputError && html`<p class="field-error" role="alert">${inputError}</p>`}
    ${editable && html`<button type="submit" disabled=${action.busy}>Save policy</button>`}
    ${saved && html`<p class="notice" role="status">Policy saved.</p>`}
    <${ActionStatus} action=${action} />
  </form>`;
}
