import { useEffect, useRef, useState } from 'preact/hooks';
import { type Api, messageOf } from './api.js';
import type { Company, Contact, ContactChanges, NewContact } from './types.js';

interface Props {
  api: Api;
  /** null: a new contact. */
  contact: Contact | null;
  companies: Company[];
  syncedReason: string;
  onClose: (saved: boolean) => void;
}

/**
 * A modal form (the browser's own dialog: focus stays inside, Escape closes it). A synced contact's
 * name and email belong to Jira: shown read-only, never sent.
 */
export function ContactEditor({ api, contact, companies, syncedReason, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const synced = contact?.jiraUser != null;
  const [name, setName] = useState(contact?.name ?? '');
  const [email, setEmail] = useState(contact?.email ?? '');
  const [phone, setPhone] = useState(contact?.phone ?? '');
  const [companyIds, setCompanyIds] = useState<string[]>(contact?.companyIds ?? []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const common = { phone: phone.trim() || null, companyIds };
    try {
      if (!contact) {
        const body: NewContact = { name: name.trim(), email: email.trim() || null, ...common };
        await api('/contacts', { method: 'POST', body });
      } else {
        const body: ContactChanges = synced ? common : { name: name.trim(), email: email.trim() || null, ...common };
        await api(`/contacts/${encodeURIComponent(contact.id)}`, { method: 'PATCH', body });
      }
      onClose(true);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  const toggleCompany = (id: string, checked: boolean) =>
    setCompanyIds((ids) => (checked ? [...ids, id] : ids.filter((existing) => existing !== id)));

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="editor-title" onClose={() => onClose(false)}>
      <form onSubmit={submit}>
        <h2 id="editor-title">{contact ? `Edit ${contact.name}` : 'New contact'}</h2>
        {synced && (
          <p class="alert info">
            {syncedReason}: its name and email follow Jira. Phone and companies can be changed here.
          </p>
        )}
        <label class="field">
          <span>Name</span>
          <input
            required
            maxLength={200}
            value={name}
            readOnly={synced}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Email</span>
          <input type="email" value={email} readOnly={synced} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Phone</span>
          <input type="tel" maxLength={50} value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
        </label>
        <fieldset class="field companies-picker">
          <legend>Companies</legend>
          {companies.length === 0 ? (
            <p class="fine">No companies yet: create one under Companies.</p>
          ) : (
            companies.map((company) => (
              <label key={company.id} class="check">
                <input
                  type="checkbox"
                  checked={companyIds.includes(company.id)}
                  onChange={(e) => toggleCompany(company.id, e.currentTarget.checked)}
                />
                <span>{company.name}</span>
              </label>
            ))
          )}
        </fieldset>
        {error && (
          <p class="alert error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button ghost" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="button primary" disabled={busy}>
            {contact ? 'Save' : 'Create contact'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
