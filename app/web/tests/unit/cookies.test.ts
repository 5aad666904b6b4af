import { describe, expect, it } from "vitest";
import { cookieHeader, parseSetCookie, viewerIp } from "../../lib/cookies";

describe("relaying Django's cookies", () => {
  it("keeps the session cookie's attributes as Django set them", () => {
    const cookie = parseSetCookie("sessionid=abc123; expires=Tue, 15 Dec 2026 20:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure");
    expect(cookie).toEqual({ name: "sessionid", value: "abc123", httpOnly: true, secure: true, sameSite: "lax", path: "/", maxAge: 1209600 });
  });

  it("passes a CSRF cookie readable by scripts (no HttpOnly) and without Secure when Django says so", () => {
    expect(parseSetCookie("csrftoken=tok; Max-Age=31449600; Path=/; SameSite=Lax")).toMatchObject({ name: "csrftoken", httpOnly: false, secure: false, maxAge: 31449600 });
  });

  it("turns Django's logout deletion into a deletion", () => {
    expect(parseSetCookie('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')).toMatchObject({ value: "", maxAge: 0 });
    expect(parseSetCookie("sessionid=x; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/")?.maxAge).toBe(0);
  });

  it("ignores cookies the web has no business relaying", () => {
    expect(parseSetCookie("AWSALB=zzz; Path=/")).toBeNull();
    expect(parseSetCookie("garbage")).toBeNull();
  });

  it("sends only the relayed cookies to the API", () => {
    const jar: Record<string, string> = { sessionid: "s", csrftoken: "c", _ga: "tracker" };
    expect(cookieHeader((n) => jar[n])).toBe("sessionid=s; csrftoken=c");
    expect(cookieHeader(() => undefined)).toBe("");
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
