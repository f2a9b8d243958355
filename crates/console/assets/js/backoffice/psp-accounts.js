// A tenant's accounts at payment providers: the list, a form to add one (its secrets are
// sent once and never shown again), and the rotation of an account's webhook secret.
import { html, useState } from '../../vendor/standalone.module.js';
import { call, get } from '../api.js';
import { ActionStatus, useAction } from '../actions.js';
import { LoadState, Pager, Table, When, orDash, usePages } from '../ui.js';

/** @typedef {import('../../types/kasa-api').components['schemas']['PspAccountView']} PspAccount */

/** Roles that may add accounts and rotate their secrets. */
const MANAGING_ROLES = ['tenant_admin', 'platform_admin'];

/** @param {{id: string, label: string, value: string, set: (v: string) => void, type?: string, hint?: string}} props */
function Field({ id, label, value, set, type = 'text', hint }) {
  return html`<div><label for=${id}>${label}</label>
    <input id=${id} type=${type} autocomplete="off" value=${value} placeholder=${hint}
      onInput=${(/** @type {any} */ e) => set(e.currentTarget.value)} /></div>`;
}

/** @param {{role: string}} props */
export function PspAccounts({ role }) {
  const pages = usePages((cursor) => get('/admin/psp-accounts', { cursor }), []);
  const manage = MANAGING_ROLES.includes(role);
  /** @type {PspAccount[]} */
  const items = pages.loaded.data?.items ?? [];
  return html`<div class="page"><h1>Provider accounts</h1>
    <p class="muted">The tenant's own merchant accounts. Secrets are sealed at rest and never shown
      again; webhooks of an account go to <code>${'/api/v1/webhooks/<tenant>/<slug>'}</code>.</p>
    <${LoadState} loaded=${pages.loaded} />
    <${Table}
      label="Provider accounts"
      head=${['Slug', 'Kind', 'Base URL', 'API key', 'Created', 'Secret rotated', '']}
      empty="No provider accounts: deposits use the platform's default account."
      rows=${items.map(
        (a) => html`<tr data-account=${a.slug}>
          <td>${a.slug}</td><td>${a.kind}</td><td class="mono">${a.base_url}</td>
          <td>${a.has_api_key ? 'stored' : '—'}</td>
          <td><${When} at=${a.created_at} /></td><td>${a.rotated_at ? html`<${When} at=${a.rotated_at} />` : orDash(null)}</td>
          <td>${manage && html`<${Rotate} account=${a} onDone=${() => pages.loaded.reload()} />`}</td>
        </tr>`,
      )}
    />
    <${Pager} pages=${pages} />
    ${manage && html`<${AddAccount} onDone=${() => pages.loaded.reload()} />`}</div>`;
}

/** @param {{onDone: () => Promise<void>}} props */
function AddAccount({ onDone }) {
  const action = useAction();
  const [slug, setSlug] = useState('');
  const [kind, setKind] = useState('mock');
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const [tenant, setTenant] = useState('');
  /** @param {Event} e */
  function submit(e) {
    e.preventDefault();
    /** @type {Record<string, string>} */
    const body = { slug: slug.trim(), kind, webhook_secret: secret };
    if (baseUrl.trim()) body.base_url = baseUrl.trim();
    if (apiKey) body.api_key = apiKey;
    if (tenant.trim()) body.tenant = tenant.trim();
    action.start({
      label: 'Add account',
      send: (key) => call('POST', '/admin/psp-accounts', { key, body }),
      onSuccess: async () => {
        setApiKey('');
        setSecret('');
        await onDone();
      },
    });
  }
  return html`<h2>Add an account</h2>
    <form class="filters" onSubmit=${submit} aria-label="Add a provider account">
      <${Field} id="account-slug" label="Slug" value=${slug} set=${setSlug} hint="main" />
      <div><label for="account-kind">Kind</label>
        <select id="account-kind" value=${kind} onChange=${(/** @type {any} */ e) => setKind(e.currentTarget.value)}>
          <option value="mock">mock (Kasa's PSP protocol)</option><option value="stripe">stripe</option>
        </select></div>
      <${Field} id="account-url" label="Base URL" value=${baseUrl} set=${setBaseUrl} hint="https://psp.example.com" />
      <${Field} id="account-api-key" label="API key" type="password" value=${apiKey} set=${setApiKey} />
      <${Field} id="account-secret" label="Webhook secret" type="password" value=${secret} set=${setSecret} />
      <${Field} id="account-tenant" label="Tenant (platform admins)" value=${tenant} set=${setTenant} />
      <button type="submit" disabled=${action.busy}>Add account</button>
    </form>
    <${ActionStatus} action=${action} />`;
}

/** @param {{account: PspAccount, onDone: () => Promise<void>}} props */
function Rotate({ account, onDone }) {
  const action = useAction();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState('');
  if (!open) {
    return html`<button type="button" class="secondary" onClick=${() => setOpen(true)}>Rotate webhook secret</button>`;
  }
  const id = `rotate-${account.id}`;
  return html`<form onSubmit=${(/** @type {Event} */ e) => {
    e.preventDefault();
    action.start({
      label: 'Rotate',
      send: (key) =>
        call('POST', `/admin/psp-accounts/${encodeURIComponent(account.id)}/rotate-webhook-secret`, {
          key,
          body: { webhook_secret: secret },
        }),
      onSuccess: async () => {
        setOpen(false);
        setSecret('');
        await onDone();
      },
    });
  }}>
    <label for=${id}>New webhook secret (the old one works for 24 hours)</label>
    <input id=${id} type="password" autocomplete="off" value=${secret}
      onInput=${(/** @type {any} */ e) => setSecret(e.currentTarget.value)} />
    <button type="submit" disabled=${action.busy}>Rotate</button>
    <${ActionStatus} action=${action} />
  </form>`;
}
