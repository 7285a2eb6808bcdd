import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiFor, type Credentials, messageOf } from './api.js';
import type { Contact, Page } from './types.js';

/** Signs in with a Jira email and API token: the service checks them with Jira on the first call. */
export function SignIn({
  notice,
  onSignedIn,
}: {
  notice: string | null;
  onSignedIn: (credentials: Credentials) => void;
}) {
  const [email, setEmail] = useState('');
  const [apiToken, setApiToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Data Center signs in with a personal access token (or username and password): /health says which Jira it is.
  const [dataCenter, setDataCenter] = useState(false);
  useEffect(() => {
    fetch(new URL('../health', window.location.href), { credentials: 'omit' })
      .then((response) => response.json())
      .then((health: { jiraDeployment?: string }) => setDataCenter(health.jiraDeployment === 'datacenter'))
      .catch(() => undefined);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const credentials = { email: email.trim(), apiToken };
    try {
      await apiFor(credentials)<Page<Contact>>('/contacts?limit=1');
      onSignedIn(credentials);
    } catch (failure) {
      // Jira accepted the login but the CRM may not open to it: say so, with what is missing.
      setError(
        failure instanceof ApiError && failure.status === 403
          ? `Jira knows this account, but it may not open the CRM. ${messageOf(failure)}`
          : messageOf(failure),
      );
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="brand large">
          <img src="favicon.svg" alt="" width={40} height={40} />
          <span>Contact Sync</span>
        </div>
        <h1 id="signin-title">Sign in with your Jira account</h1>
        <p class="muted">
          {dataCenter
            ? 'Your Jira login is your CRM login. Create a personal access token in Jira: your profile → Personal Access Tokens (or give your username and password).'
            : 'Your Jira login is your CRM login. Create an API token at id.atlassian.com → Security → API tokens.'}
        </p>
        <p class="fine">
          The CRM shows people's details, so it opens to active Jira users with the global permission “Browse users and
          groups”, as Jira itself does. Customers' and apps' accounts cannot sign in.
        </p>
        <label class="field">
          <span>{dataCenter ? 'Jira username' : 'Jira email'}</span>
          <input
            type={dataCenter ? 'text' : 'email'}
            name="email"
            autocomplete="username"
            required={!dataCenter}
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>{dataCenter ? 'Personal access token' : 'API token'}</span>
          <input
            type="password"
            name="apiToken"
            autocomplete="current-password"
            required
            value={apiToken}
            onInput={(e) => setApiToken(e.currentTarget.value)}
          />
        </label>
        {notice && !error && <p class="alert info">{notice}</p>}
        {error && (
          <p class="alert error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="button primary block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="fine">Your token stays in this browser tab only and is sent to this service alone.</p>
      </form>
    </main>
  );
}
