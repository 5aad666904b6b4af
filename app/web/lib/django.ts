/**
 * Signed-in calls to the Django API on the reader's behalf (backend-for-frontend).
 *
 * The browser never calls the API itself: it sends its first-party cookies to the web,
 * and this module forwards Django's session cookie, adds the CSRF token Django expects
 * (cookie + X-CSRFToken, with the API's own origin as Origin, which is what its
 * CsrfViewMiddleware checks) and re-issues Django's Set-Cookie on the web's host. CSRF on
 * the browser -> web hop is Next's Server Action Origin check (and SameSite=Lax cookies).
 * https://docs.djangoproject.com/en/5.2/howto/csrf/ and
 * https://nextjs.org/docs/app/guides/backend-for-frontend
 */
import "server-only";
import { cookies, headers } from "next/headers";
import { apiUrl } from "./api";
import { CSRF_COOKIE, cookieHeader, parseSetCookie, type RelayedCookie, viewerIp } from "./cookies";
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

async function send(path: string, init: RequestInit): Promise<Response | null> {
  try {
    return await fetch(apiUrl(path), { ...init, cache: "no-store", redirect: "manual", signal: AbortSignal.timeout(5000) });
  } catch {
    return null;
  }
}

/** A CSRF token: the browser's, else a fresh one from /api/auth/me/ (which sets it). */
async function csrfToken(jar: Jar, pending: Map<string, string>, relayed: RelayedCookie[]): Promise<string | undefined> {
  const existing = pending.get(CSRF_COOKIE) ?? jar.get(CSRF_COOKIE)?.value;
  if (existing) return existing;
  const response = await send("/api/auth/me/", { headers: { Accept: "application/json" } });
  for (const header of response?.headers.getSetCookie() ?? []) {
    const cookie = parseSetCookie(header);
    if (cookie?.name === CSRF_COOKIE) {
      pending.set(CSRF_COOKIE, cookie.value);
      relayed.push(cookie);
    }
  }
  return pending.get(CSRF_COOKIE);
}

export async function callDjango<T>(path: string, { method = "GET", json, relay = false }: CallOptions = {}): Promise<DjangoResult<T>> {
  const jar = await cookies();
  const incoming = await headers();
  const pending = new Map<string, string>();
  const relayed: RelayedCookie[] = [];
  const requestHeaders: Record<string, string> = { Accept: "application/json" };
  const viewer = viewerIp(incoming.get("x-forwarded-for"));
  if (viewer) requestHeaders["X-Forwarded-For"] = viewer;
  if (method !== "GET") {
    const token = await csrfToken(jar, pending, relayed);
    if (token) requestHeaders["X-CSRFToken"] = token;
    const origin = new URL(readRuntimeConfig().apiUrl).origin;
    requestHeaders.Origin = origin;
    requestHeaders.Referer = `${origin}/`;
  }
  if (json !== undefined) requestHeaders["Content-Type"] = "application/json";
  const cookie = cookieHeader((name) => pending.get(name) ?? jar.get(name)?.value);
  if (cookie) requestHeaders.Cookie = cookie;

  const response = await send(path, { method, headers: requestHeaders, body: json === undefined ? undefined : JSON.stringify(json) });
  if (!response) return { status: 0, body: null };
  for (const header of response.headers.getSetCookie()) {
    const parsed = parseSetCookie(header);
    if (parsed) relayed.push(parsed);
  }
  if (relay) relayed.forEach((c) => setOn(jar, c));
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
