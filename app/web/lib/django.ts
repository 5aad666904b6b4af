/**
 * Signed-in calls to the Django API on the reader's behalf (backend-for-frontend).
 *
 * The browser never calls the API itself: it sends its first-party session cookie to the
 * web, and this module forwards it, adds what Django's CsrfViewMiddleware checks on unsafe
 * methods (a per-request token as cookie + X-CSRFToken, the API's own origin as Origin) and
 * re-issues Django's session Set-Cookie on the web's host. CSRF on the browser -> web hop is
 * Next's Server Action Origin check (and SameSite=Lax cookies).
 * https://docs.djangoproject.com/en/5.2/howto/csrf/ and
 * https://nextjs.org/docs/app/guides/backend-for-frontend
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { apiUrl } from "./api";
import { CSRF_COOKIE, cookieHeader, csrfToken, parseSetCookie, type RelayedCookie, viewerIp } from "./cookies";
import { readRuntimeConfig } from "./env";

export interface DjangoResult<T> {
  /** HTTP status; 0 when the API could not be reached. */
  status: number;
  body: T | null;
}

interface CallOptions {
  method?: "GET" | "POST" | "PUT";
  json?: unknown;
  /** Re-issue Django's cookies to the browser (only where Next allows setting cookies). */
  relay?: boolean;
}

type Jar = Awaited<ReturnType<typeof cookies>>;

function setOn(jar: Jar, cookie: RelayedCookie): void {
  if (cookie.maxAge === 0) {
    jar.delete(cookie.name);
    return;
  }
  const { name, value, ...options } = cookie;
  jar.set(name, value, options);
}

export async function callDjango<T>(path: string, { method = "GET", json, relay = false }: CallOptions = {}): Promise<DjangoResult<T>> {
  const jar = await cookies();
  const requestHeaders: Record<string, string> = { Accept: "application/json" };
  const viewer = viewerIp((await headers()).get("x-forwarded-for"));
  if (viewer) requestHeaders["X-Forwarded-For"] = viewer;
  let cookie = cookieHeader((name) => jar.get(name)?.value);
  if (method !== "GET") {
    const token = csrfToken();
    const origin = new URL(readRuntimeConfig().apiUrl).origin;
    Object.assign(requestHeaders, { "X-CSRFToken": token, Origin: origin, Referer: `${origin}/` });
    cookie = [cookie, `${CSRF_COOKIE}=${token}`].filter(Boolean).join("; ");
  }
  if (cookie) requestHeaders.Cookie = cookie;
  if (json !== undefined) requestHeaders["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      headers: requestHeaders,
      body: json === undefined ? undefined : JSON.stringify(json),
      cache: "no-store",
      redirect: "manual",
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    return { status: 0, body: null };
  }
  if (relay) {
    for (const header of response.headers.getSetCookie()) {
      const parsed = parseSetCookie(header);
      if (parsed) setOn(jar, parsed);
    }
  }
  const isJson = response.headers.get("content-type")?.includes("application/json");
  return { status: response.status, body: isJson ? ((await response.json()) as T) : null };
}

export interface Me {
  authenticated: boolean;
  id?: number;
  username?: string;
}

export interface Progress {
  book_id: number;
  percent: number;
  updated_at: string | null;
}
