/**
 * Sends paths without a language prefix ("/", "/search?q=x") to the reader's language,
 * from Accept-Language. The answer depends on a request header, so it is never cached
 * (a CDN must not hand a French redirect to an English reader).
 * https://nextjs.org/docs/app/guides/internationalization#routing-overview
 */
import { type NextRequest, NextResponse } from "next/server";
import { localizedPath, negotiate, pathLocale } from "@/lib/i18n";

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (pathLocale(pathname)) return NextResponse.next();
  const target = request.nextUrl.clone();
  target.pathname = localizedPath(pathname, negotiate(request.headers.get("accept-language")));
  target.search = search;
  const response = NextResponse.redirect(target, 307);
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.set("Vary", "Accept-Language");
  return response;
}

export const config = {
  // Everything but the API routes, Next's assets and files with an extension.
  matcher: ["/((?!api/|_next/|.*\\.[a-z0-9]+$).*)"],
};
