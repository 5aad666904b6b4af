/**
 * Locales and negotiation. French first: most of the seed's readers are francophone.
 * Routes are prefixed (/fr/..., /en/...) as in the Next.js i18n guide, so each language has
 * its own cacheable URL. https://nextjs.org/docs/app/guides/internationalization
 */
export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "fr";

export function isLocale(value: string | undefined | null): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? "");
}

/** Best locale for an Accept-Language header (q-values honoured, region ignored). */
export function negotiate(acceptLanguage: string | null | undefined): Locale {
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number(q.slice(2)) : 1;
      return { lang: tag.toLowerCase().split("-")[0], quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  return ranked.map((entry) => entry.lang).find(isLocale) ?? DEFAULT_LOCALE;
}

/** The locale a path starts with, if any ("/en/books/3" -> "en"). */
export function pathLocale(pathname: string): Locale | undefined {
  const first = pathname.split("/")[1];
  return isLocale(first) ? first : undefined;
}

/** The same page in another language ("/fr/books/3" -> "/en/books/3"). */
export function localizedPath(pathname: string, target: Locale): string {
  const rest = pathLocale(pathname) ? pathname.split("/").slice(2).join("/") : pathname.replace(/^\/+/, "");
  return rest ? `/${target}/${rest}` : `/${target}`;
}

/**
 * A safe place to go back to after sign-in: a path on this site in `lang`, never another
 * origin ("//evil.example", "https://...", "/\\evil") - an open redirect would hand
 * readers' sessions to phishing pages.
 */
export function safeNext(next: string | null | undefined, lang: Locale): string {
  const fallback = `/${lang}/reading`;
  if (!next || !next.startsWith(`/${lang}/`) || next.includes("\\") || next.startsWith("//")) return fallback;
  return /^\/[A-Za-z0-9/_\-?=&%.]*$/.test(next) ? next : fallback;
}
