/**
 * Pure helpers for relaying the Django session to the reader's browser (unit-tested).
 *
 * The browser only ever talks to the web's own origin; the web's server talks to the API.
 * Django's session and CSRF cookies are therefore re-issued on the web's host with the
 * attributes Django chose (HttpOnly, Secure, SameSite, lifetime), so the API's settings stay
 * the single source of cookie policy.
 */

/** Django's default cookie names (SESSION_COOKIE_NAME, CSRF_COOKIE_NAME). */
export const SESSION_COOKIE = "sessionid";
export const CSRF_COOKIE = "csrftoken";
/** Only the session reaches the browser: the CSRF token is per request (csrfToken below). */
export const RELAYED_COOKIES: readonly string[] = [SESSION_COOKIE];

const TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A fresh CSRF secret in Django's format (32 letters and digits, CSRF_SECRET_LENGTH). The web
 * sends it as both the csrftoken cookie and the X-CSRFToken header of one server-to-server
 * request: Django's double-submit check passes, and no token has to live in the browser. The
 * browser -> web hop is protected by Next's Server Action Origin check instead.
 */
export function csrfToken(random: (size: number) => Uint8Array = (size) => crypto.getRandomValues(new Uint8Array(size))): string {
  return Array.from(random(32), (byte) => TOKEN_CHARS[byte % TOKEN_CHARS.length]).join("");
}

export interface RelayedCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: "lax" | "strict" | "none";
  path: string;
  /** Seconds; 0 deletes the cookie; undefined means a browser-session cookie. */
  maxAge: number | undefined;
}

/** Parse one Set-Cookie header value; null for cookies the web does not relay. */
export function parseSetCookie(header: string): RelayedCookie | null {
  const [pair, ...attributes] = header.split(";");
  const eq = pair.indexOf("=");
  if (eq < 1) return null;
  const name = pair.slice(0, eq).trim();
  if (!RELAYED_COOKIES.includes(name)) return null;
  let value = pair.slice(eq + 1).trim();
  if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  const cookie: RelayedCookie = { name, value, httpOnly: false, secure: false, sameSite: "lax", path: "/", maxAge: undefined };
  let expires: number | undefined;
  for (const attribute of attributes) {
    const [rawKey, ...rest] = attribute.split("=");
    const key = rawKey.trim().toLowerCase();
    const val = rest.join("=").trim();
    if (key === "httponly") cookie.httpOnly = true;
    else if (key === "secure") cookie.secure = true;
    else if (key === "path" && val) cookie.path = val;
    else if (key === "samesite" && ["lax", "strict", "none"].includes(val.toLowerCase())) cookie.sameSite = val.toLowerCase() as RelayedCookie["sameSite"];
    else if (key === "max-age" && /^-?\d+$/.test(val)) cookie.maxAge = Math.max(Number(val), 0);
    else if (key === "expires" && !Number.isNaN(Date.parse(val))) expires = Math.max(Math.round((Date.parse(val) - Date.now()) / 1000), 0);
  }
  if (cookie.maxAge === undefined && expires !== undefined) cookie.maxAge = expires;
  if (cookie.value === "") cookie.maxAge = 0;
  return cookie;
}

/** `Cookie` request header carrying only the relayed cookies. */
export function cookieHeader(get: (name: string) => string | undefined): string {
  return RELAYED_COOKIES.flatMap((name) => {
    const value = get(name);
    return value ? [`${name}=${value}`] : [];
  }).join("; ");
}

/**
 * The viewer's IP as Django derives it (coko.core.ratelimit.client_ip: second entry from
 * the right of X-Forwarded-For, CloudFront then the ALB), so it can be passed on.
 */
export function viewerIp(forwardedFor: string | null | undefined): string | undefined {
  const hops = (forwardedFor ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  if (!hops.length) return undefined;
  return hops[Math.max(hops.length - 2, 0)];
}
