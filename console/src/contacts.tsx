import { useCallback, useEffect, useState } from 'preact/hooks';
import { type Api, messageOf } from './api.js';
import { ContactEditor } from './contact-editor.js';
import type { Company, Contact, Page } from './types.js';

const PAGE_SIZE = 20;
const SYNCED_REASON = 'Synced with Jira: change the user in Jira';

/** Contacts, newest first, a page at a time, or the ones with one email; create, edit, delete. */
export function Contacts({ api, companies, version }: { api: Api; companies: Company[]; version: number }) {
  const [search, setSearch] = useState('');
  const [email, setEmail] = useState('');
  // The cursor of each page shown so far: Previous goes back one.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<Contact> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);
  const cursor = cursors[cursors.length - 1] ?? null;

  const load = useCallback(async () => {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (email) query.set('email', email);
    if (cursor) query.set('cursor', cursor);
    try {
      setPage(await api<Page<Contact>>(`/contacts?${query}`));
      setError(null);
    } catch (failure) {
      setError(messageOf(failure));
    }
  }, [api, email, cursor]);

  useEffect(() => void load(), [load, version, reloads]);

  const companyOf = (id: string) => companies.find((company) => company.id === id);
  const reload = () => setReloads((count) => count + 1);

  const remove = async (contact: Contact) => {
    try {
      await api(`/contacts/${encodeURIComponent(contact.id)}`, { method: 'DELETE' });
      setConfirming(null);
      reload();
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <section class="card contacts" aria-labelledby="contacts-title">
      <div class="card-head">
        <h2 id="contacts-title">Contacts</h2>
        <button type="button" class="button primary" onClick={() => setEditing('new')}>
          New contact
        </button>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: Preact's JSX types have no <search> element yet. */}
      <form
        class="search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setEmail(search.trim());
          setCursors([null]);
        }}
      >
        <label class="field inline">
          <span>Search by email</span>
          <input
            type="search"
            value={search}
            placeholder="name@example.com"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button">
          Search
        </button>
        {email && (
          <button
            type="button"
            class="button ghost"
            onClick={() => {
              setSearch('');
              setEmail('');
              setCursors([null]);
            }}
          >
            Show all
          </button>
        )}
      </form>
      {error && (
        <p class="alert error" role="alert">
          {error}
        </p>
      )}
      {page === null ? (
        <p class="muted">Loading contacts…</p>
      ) : page.items.length === 0 ? (
        <p class="empty">
          {email
            ? `No contact has the email ${email}.`
            : 'No contacts yet. Create one, or switch Jira User Syncing on.'}
        </p>
      ) : (
        <ul class="contact-list" aria-label={email ? `Contacts with the email ${email}` : 'Contacts, newest first'}>
          {page.items.map((contact) => {
            const synced = contact.jiraUser !== null;
            const reasonId = `reason-${contact.id}`;
            return (
              <li key={contact.id} class="contact">
                <div class="contact-main">
                  <div class="contact-name">
                    <span class="name">{contact.name}</span>
                    {contact.tags.map((tag) => (
                      <span key={tag} class={tag === 'Jira User' ? 'tag jira' : 'tag'}>
                        {tag}
                      </span>
                    ))}
                  </div>
                  <div class="contact-meta">
                    {contact.email ?? <span class="muted">no email</span>}
                    {contact.phone && <span> · {contact.phone}</span>}
                  </div>
                  {contact.companyIds.length > 0 && (
                    <div class="chips">
                      {contact.companyIds.map((id) => (
                        <span key={id} class="chip">
                          {companyOf(id)?.name ?? 'Unknown company'}
                          {companyOf(id)?.jsmOrganization && <span class="tag jira">JSM Organization</span>}
                        </span>
                      ))}
                    </div>
                  )}
                </div>
                <div class="contact-kind">
                  {contact.jiraUser ? (
                    <span class={`kind ${contact.jiraUser.accountType}`}>
                      {contact.jiraUser.accountType === 'customer' ? 'Customer account' : 'User account'}
                    </span>
                  ) : (
                    <span class="kind regular">Regular contact</span>
                  )}
                </div>
                <div class="contact-actions">
                  {confirming === contact.id ? (
                    <>
                      <button type="button" class="button danger" onClick={() => void remove(contact)}>
                        Delete {contact.name}
                      </button>
                      <button type="button" class="button ghost" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </>
                  ) : (
                    <>
                      <button
                        type="button"
                        class="button"
                        aria-label={`Edit ${contact.name}`}
                        onClick={() => setEditing(contact)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        class="button"
                        aria-label={`Delete ${contact.name}`}
                        disabled={synced}
                        aria-describedby={synced ? reasonId : undefined}
                        onClick={() => setConfirming(contact.id)}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </div>
                {synced && (
                  <p class="reason" id={reasonId}>
                    {SYNCED_REASON}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!email && page && (cursors.length > 1 || page.nextCursor) && (
        <nav class="pager" aria-label="Contact pages">
          <button
            type="button"
            class="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((list) => list.slice(0, -1))}
          >
            Previous
          </button>
          <span class="muted">Page {cursors.length}</span>
          <button
            type="button"
            class="button"
            disabled={!page.nextCursor}
            onClick={() => page.nextCursor && setCursors((list) => [...list, page.nextCursor])}
          >
            Next
          </button>
        </nav>
      )}
      {editing && (
        <ContactEditor
          api={api}
          contact={editing === 'new' ? null : editing}
          companies={companies}
          syncedReason={SYNCED_REASON}
          onClose={(saved) => {
            setEditing(null);
            if (saved) reload();
          }}
        />
      )}
    </section>
  );
}
