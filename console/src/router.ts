import { useEffect, useState } from 'preact/hooks';

/** Hash routes (`#/tasks`): the server serves one page, and a reload keeps the place. */
export type Route = 'keys' | 'playground' | 'tasks' | 'usage' | 'admin';
export const routes: readonly Route[] = ['keys', 'playground', 'tasks', 'usage', 'admin'];

export function currentRoute(): Route {
  const name = location.hash.replace(/^#\/?/, '').split('?')[0] as Route;
  return routes.includes(name) ? name : 'keys';
}

export function navigate(route: Route): void {
  location.hash = `#/${route}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
