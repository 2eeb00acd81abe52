import { TEST_PASSWORD } from '../../helpers/factories';

export interface WebResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Milliseconds from sending to the end of the body. */
  ms: number;
}

/** Cookies shared by clients of several processes: one browser talking to a load-balanced app. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1).trim());
    }
  }
}

/** The CSRF token from a rendered form. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no CSRF token in the page:\n${html.slice(0, 500)}`);
  return match[1];
}

/**
 * A browser-like client of a real server process over HTTP: keeps its session cookie, reads CSRF
 * tokens from forms and never follows redirects (tests look at the 303 itself).
 */
export class WebClient {
  constructor(
    readonly origin: string,
    private readonly jar = new CookieJar(),
  ) {}

  /** The same session (cookies), talking to another process. */
  on(origin: string): WebClient {
    return new WebClient(origin, this.jar);
  }

  /** A request with this session's cookies; `form` is sent urlencoded, `body` as given (with its headers). */
  async request(
    method: string,
    path: string,
    {
      form,
      body,
      headers = {},
      timeoutMs = 30_000,
    }: {
      form?: Record<string, string>;
      body?: string | Uint8Array;
      headers?: Record<string, string>;
      timeoutMs?: number;
    } = {},
  ): Promise<WebResponse> {
    const started = performance.now();
    const response = await fetch(`${this.origin}${path}`, {
      method,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        cookie: this.jar.header(),
        ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
        ...headers,
      },
      body: form ? new URLSearchParams(form).toString() : body,
    });
    this.jar.store(response.headers);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, ms: performance.now() - started };
  }

  get(path: string, headers?: Record<string, string>): Promise<WebResponse> {
    return this.request('GET', path, { headers });
  }

  /** A token bound to this session, from a page every visitor can open. */
  async csrfToken(): Promise<string> {
    const page = await this.get('/password/forgot');
    return csrfFrom(page.text);
  }

  /** Posts a form with the session's CSRF token (fetched first unless given). */
  async post(path: string, fields: Record<string, string> = {}, token?: string): Promise<WebResponse> {
    return this.request('POST', path, { form: { ...fields, _csrf: token ?? (await this.csrfToken()) } });
  }

  async signIn(email: string, password = TEST_PASSWORD): Promise<this> {
    const response = await this.post('/login', { email, password });
    if (response.status !== 303)
      throw new Error(`sign-in of ${email} failed with ${response.status}: ${response.text.slice(0, 300)}`);
    return this;
  }
}
