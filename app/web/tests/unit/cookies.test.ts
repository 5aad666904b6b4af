import { describe, expect, it } from "vitest";
import { cookieHeader, csrfToken, parseSetCookie, viewerIp } from "../../lib/cookies";

describe("relaying Django's cookies", () => {
  it("keeps the session cookie's attributes as Django set them", () => {
    const cookie = parseSetCookie("sessionid=abc123; expires=Tue, 15 Dec 2026 20:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure");
    expect(cookie).toEqual({ name: "sessionid", value: "abc123", httpOnly: true, secure: true, sameSite: "lax", path: "/", maxAge: 1209600 });
  });

  it("keeps Secure off when Django says so (local and test settings)", () => {
    expect(parseSetCookie("sessionid=s; Max-Age=60; Path=/; SameSite=Strict")).toMatchObject({ secure: false, sameSite: "strict", maxAge: 60 });
  });

  it("turns Django's logout deletion into a deletion", () => {
    expect(parseSetCookie('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')).toMatchObject({ value: "", maxAge: 0 });
    expect(parseSetCookie("sessionid=x; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/")?.maxAge).toBe(0);
  });

  it("ignores cookies the web has no business relaying (the CSRF token is per request)", () => {
    expect(parseSetCookie("AWSALB=zzz; Path=/")).toBeNull();
    expect(parseSetCookie("csrftoken=tok; Max-Age=31449600; Path=/; SameSite=Lax")).toBeNull();
    expect(parseSetCookie("garbage")).toBeNull();
  });

  it("sends only the relayed cookies to the API", () => {
    const jar: Record<string, string> = { sessionid: "s", csrftoken: "c", _ga: "tracker" };
    expect(cookieHeader((n) => jar[n])).toBe("sessionid=s");
    expect(cookieHeader(() => undefined)).toBe("");
  });
});

describe("CSRF token for one API call", () => {
  it("has Django's secret format and is new each time", () => {
    const tokens = new Set(Array.from({ length: 50 }, () => csrfToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(csrfToken(() => new Uint8Array(32))).toBe("A".repeat(32));
  });
});

describe("viewer IP", () => {
  it("is the second entry from the right, as the API's rate limiter reads it", () => {
    expect(viewerIp("203.0.113.9, 198.51.100.7")).toBe("203.0.113.9");
    expect(viewerIp("6.6.6.6, 203.0.113.9, 198.51.100.7")).toBe("203.0.113.9");
    expect(viewerIp("203.0.113.9")).toBe("203.0.113.9");
    expect(viewerIp("")).toBeUndefined();
    expect(viewerIp(null)).toBeUndefined();
  });
});
