/** Small HTTP helpers for preparing cases: sign-in with CSRF, cookies, fetching pages. */

function cookieOf(response: Response): string | undefined {
  const cookies = response.headers.getSetCookie();
  const session = cookies.find((c) => /^(__Host-)?academy\.sid=/.test(c)) ?? cookies[0];
  return session?.split(';')[0];
}

export interface LoginForm {
  cookie: string;
  csrf: string;
}

/** GET /login: a fresh pre-sign-in session cookie and its CSRF token. */
export async function loginForm(origin: string): Promise<LoginForm> {
  const response = await fetch(`${origin}/login`, { redirect: 'manual' });
  const html = await response.text();
  const cookie = cookieOf(response);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (response.status !== 200 || !cookie || !csrf)
    throw new Error(`GET /login gave ${response.status} without a session cookie and CSRF token`);
  return { cookie, csrf };
}

export function loginBody(email: string, password: string, csrf: string): string {
  return new URLSearchParams({ email, password, _csrf: csrf }).toString();
}

/** Signs in for real (CSRF token, argon2 check, session regeneration); returns the signed-in cookie. */
export async function signIn(origin: string, email: string, password: string): Promise<string> {
  const form = await loginForm(origin);
  const response = await fetch(`${origin}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: loginBody(email, password, form.csrf),
  });
  await response.arrayBuffer();
  const cookie = cookieOf(response);
  if (response.status !== 303 || !cookie) throw new Error(`signing in as ${email} gave ${response.status}`);
  return cookie;
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; ms: number }> {
  const start = performance.now();
  const response = await fetch(url, { headers, redirect: 'manual' });
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - start };
}

/** Runs `task` over `items` with at most `concurrency` at a time. */
export async function mapLimit<T, R>(
  items: T[],
  concurrency: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i]);
      }
    }),
  );
  return results;
}
