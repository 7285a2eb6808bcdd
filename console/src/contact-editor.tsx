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

interface EditableValues {
  name: string;
  email: string | null;
  phone: string | null;
  companyIds: string[];
}

/**
 * Only the fields the person changed: a value they did not touch is never sent back (a synced
 * contact's name and email, which belong to Jira, never are), so an edit of the phone cannot fail on
 * a name or email the form would have refused.
 */
function changedFields(contact: Contact, values: EditableValues, synced: boolean): Partial<EditableValues> {
  const changes: Partial<EditableValues> = {};
  if (!synced && values.name !== contact.name) changes.name = values.name;
  if (!synced && values.email !== (contact.email ?? null)) changes.email = values.email;
  if (values.phone !== (contact.phone ?? null)) changes.phone = values.phone;
  const sameCompanies =
    values.companyIds.length === contact.companyIds.length &&
    values.companyIds.every((id) => contact.companyIds.includes(id));
  if (!sameCompanies) changes.companyIds = values.companyIds;
  return changes;
}

/**
 * A modal form (the browser's own dialog: focus stays inside, Escape closes it). A synced contact's
 * name and email belong to Jira: shown read-only, never sent. Saving sends only what changed.
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
    const values = { name: name.trim(), email: email.trim() || null, phone: phone.trim() || null, companyIds };
    try {
      if (!contact) {
        const body: NewContact = values;
        await api('/contacts', { method: 'POST', body });
      } else {
        const body: ContactChanges = changedFields(contact, values, synced);
        if (Object.keys(body).length === 0) {
          onClose(false); // nothing to save
          return;
        }
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
            maxLength={255}
            value={name}
            readOnly={synced}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>Email</span>
          {/* Text, not type="email": the browser would refuse internationalized addresses (josé@bücher.example). */}
          <input
            type="text"
            inputMode="email"
            autoComplete="email"
            value={email}
            readOnly={synced}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
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
                {company.jsmOrganization && <span class="tag jira">JSM Organization</span>}
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
