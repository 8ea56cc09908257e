import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, apiFetch, describeError, onApiError } from './api.js';
import { Notice } from './components.js';
import { setMinorPerMajor } from './format.js';
import { lazy } from './lazy.js';
import { KeysPage } from './pages/keys.js';
import { LoginPage } from './pages/login.js';
import { TasksPage } from './pages/tasks.js';
import { useRoute, type Route } from './router.js';
import type { Model, Ok, OwnKey } from './types.js';

const PlaygroundPage = lazy(() => import('./pages/playground.js').then((m) => m.PlaygroundPage));
const UsagePage = lazy(() => import('./pages/usage.js').then((m) => m.UsagePage));
const AdminPage = lazy(() => import('./pages/admin.js').then((m) => m.AdminPage));

const titles: Record<Route, string> = { keys: 'Keys', playground: 'Playground', tasks: 'Tasks', usage: 'Usage', admin: 'Admin' };

export interface Session {
  me: OwnKey;
  isAdmin: boolean;
  models: Model[];
  /** Reads the key again (balance after a run, settings after an edit). */
  refreshMe(): void;
}

export function App() {
  const route = useRoute();
  const [me, setMe] = useState<OwnKey | null | undefined>(undefined);
  const [models, setModels] = useState<Model[]>([]);
  const [ended, setEnded] = useState<string | null>(null);
  const [offline, setOffline] = useState(!navigator.onLine);

  const refreshMe = () =>
    api<Ok<OwnKey>>('GET', '/v1/me').then(
      (r) => setMe(r.data),
      (e) => {
        if (e instanceof ApiError && e.status === 401) setMe(null);
      },
    );

  useEffect(() => {
    void refreshMe();
    api<{ data: Model[] }>('GET', '/v1/models').then((r) => {
      setModels(r.data);
      if (r.data[0]) setMinorPerMajor(r.data[0].pricing.minor_per_major);
    }, () => undefined);
    const off = onApiError((e) => {
      if (e.status === 0) setOffline(true);
      else setOffline(false);
      if (e.status === 401 && e.reason === 'invalid_session') {
        setEnded('Your session has ended (signed out, expired, or the key was revoked). Sign in again.');
        setMe(null);
      }
    });
    const online = () => setOffline(false);
    const lost = () => setOffline(true);
    addEventListener('online', online);
    addEventListener('offline', lost);
    return () => {
      off();
      removeEventListener('online', online);
      removeEventListener('offline', lost);
    };
  }, []);

  useEffect(() => {
    document.title = me ? `${titles[route]} · wangate console` : 'Sign in · wangate console';
  }, [route, me]);

  const banner = offline && <Notice kind="error">The server cannot be reached (network lost or server stopped). The page will work again once it answers.</Notice>;

  if (me === undefined) return <main class="boot">{banner}Loading…</main>;
  if (me === null) {
    return (
      <LoginPage
        notice={ended}
        banner={banner}
        onSignedIn={(key) => {
          setEnded(null);
          setMe(key);
        }}
      />
    );
  }

  const isAdmin = me.scopes.includes('admin');
  const session: Session = { me, isAdmin, models, refreshMe: () => void refreshMe() };
  const signOut = async () => {
    await apiFetch('DELETE', '/console/session').catch(() => undefined);
    setEnded('Signed out.');
    setMe(null);
  };
  const nav = (['keys', 'playground', 'tasks', 'usage', ...(isAdmin ? ['admin' as const] : [])] as Route[]).map((r) => (
    <a href={`#/${r}`} class={r === route ? 'active' : ''} aria-current={r === route ? 'page' : undefined}>
      {titles[r]}
    </a>
  ));

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/keys">
          wangate
        </a>
        <nav aria-label="Console pages">{nav}</nav>
        <div class="who">
          <span class="who-name" title={me.prefix}>
            {me.name} <span class="badge">{isAdmin ? 'admin' : 'user'}</span>
          </span>
          <button type="button" class="secondary small" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {banner}
        <h1>{titles[route]}</h1>
        {route === 'keys' && <KeysPage session={session} />}
        {route === 'playground' && <PlaygroundPage session={session} />}
        {route === 'tasks' && <TasksPage session={session} />}
        {route === 'usage' && <UsagePage session={session} />}
        {route === 'admin' &&
          (isAdmin ? (
            <AdminPage session={session} />
          ) : (
            <Notice kind="error">{describeError(new ApiError(403, 'The admin pages need a key with the admin scope', 'insufficient_scope'))}</Notice>
          ))}
      </main>
    </>
  );
}
