import { useState } from 'preact/hooks';
import { type Api, messageOf } from './api.js';
import type { Company, NewCompany } from './types.js';

/** Companies: the list and a form to create one (contacts are assigned in the contact's editor). */
export function Companies({
  api,
  companies,
  error,
  onChanged,
}: {
  api: Api;
  companies: Company[];
  error: string | null;
  onChanged: () => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFormError(null);
    try {
      await api('/companies', {
        method: 'POST',
        body: { name: name.trim(), domain: domain.trim() || null } satisfies NewCompany,
      });
      setName('');
      setDomain('');
      await onChanged();
    } catch (failure) {
      setFormError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="companies-title">
      <h2 id="companies-title">Companies</h2>
      {error && <p class="alert error">{error}</p>}
      {companies.length === 0 ? (
        <p class="muted">No companies yet.</p>
      ) : (
        <ul class="company-list" aria-label="Companies">
          {companies.map((company) => (
            <li key={company.id}>
              <span class="name">{company.name}</span>
              {company.jsmOrganization && (
                <span class="tag jira" title="Synced from JSM: its name follows the organization">
                  JSM Organization
                </span>
              )}
              {company.domain && <span class="muted">{company.domain}</span>}
            </li>
          ))}
        </ul>
      )}
      <form class="company-form" onSubmit={submit} aria-label="New company">
        <label class="field">
          <span>Company name</span>
          <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Domain</span>
          <input value={domain} placeholder="example.com" onInput={(e) => setDomain(e.currentTarget.value)} />
        </label>
        {formError && (
          <p class="alert error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" class="button" disabled={busy}>
          Add company
        </button>
      </form>
    </section>
  );
}
