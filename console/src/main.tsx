/** The admin console: sign in, then user syncing, contacts and companies on one page. */
import './styles.css';
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type Api, ApiError, apiFor, type Credentials } from './api.js';
import { Companies } from './companies.js';
import { Contacts } from './contacts.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { SignIn } from './sign-in.js';
import type { Company, Page } from './types.js';
import { UserSync } from './user-sync.js';

function App() {
  const [credentials, setCredentials] = useState<Credentials | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  const signOut = useCallback((reason?: string) => {
    clearSession();
    setNotice(reason ?? null);
    setCredentials(null);
  }, []);
  if (!credentials) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(signedIn) => {
          setNotice(null);
          saveSession(signedIn);
          setCredentials(signedIn);
        }}
      />
    );
  }
  return <Workspace credentials={credentials} onSignOut={signOut} />;
}

function Workspace({ credentials, onSignOut }: { credentials: Credentials; onSignOut: (reason?: string) => void }) {
  // A login Jira no longer accepts (a revoked token) ends the session: back to the sign-in form, with Jira's reason.
  const api = useMemo<Api>(() => {
    const call = apiFor(credentials);
    return async <T,>(path: string, options?: { method?: string; body?: unknown }) => {
      try {
        return await call<T>(path, options);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) onSignOut(`You were signed out: ${error.message}`);
        // The CRM itself refused the login (deactivated, "Browse users and groups" revoked): not just one setting.
        if (error instanceof ApiError && error.status === 403 && /^\/(contacts|companies)/.test(path))
          onSignOut(`You were signed out: ${error.message}`);
        throw error;
      }
    };
  }, [credentials, onSignOut]);
  // Bumped when a sync run ends: contacts gain or lose their Jira link, so the list is read again.
  const [contactsVersion, setContactsVersion] = useState(0);
  const [companies, setCompanies] = useState<Company[]>([]);
  const [companiesError, setCompaniesError] = useState<string | null>(null);
  const loadCompanies = useCallback(async () => {
    try {
      const page = await api<Page<Company>>('/companies?limit=100');
      setCompanies(page.items);
      setCompaniesError(null);
    } catch (error) {
      setCompaniesError(error instanceof Error ? error.message : String(error));
    }
  }, [api]);
  useEffect(() => void loadCompanies(), [loadCompanies]);

  return (
    <>
      <header class="topbar">
        <div class="brand">
          <img src="favicon.svg" alt="" width={28} height={28} />
          <span>Contact Sync</span>
        </div>
        <div class="who">
          <span class="who-email" title="Signed in as">
            {credentials.email}
          </span>
          <button type="button" class="button ghost" onClick={() => onSignOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main class="layout">
        <div class="column side">
          <UserSync
            api={api}
            email={credentials.email}
            onRunEnded={() => setContactsVersion((version) => version + 1)}
          />
          <Companies api={api} companies={companies} error={companiesError} onChanged={loadCompanies} />
        </div>
        <div class="column wide">
          <Contacts api={api} companies={companies} version={contactsVersion} />
        </div>
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
