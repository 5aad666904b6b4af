import type { Metadata } from "next";
import { PageLink } from "@/components/PageLink";
import { notFound } from "next/navigation";
import { BookList } from "@/components/BookList";
import { ApiError, searchBooks } from "@/lib/api";
import { dictionary } from "@/lib/dictionaries";
import { isLocale } from "@/lib/i18n";

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ q?: string | string[]; page?: string | string[] }> };

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang } = await params;
  return isLocale(lang) ? { title: dictionary(lang).search.title } : {};
}

/**
 * A plain GET form: it works before (and without) any JavaScript, and the results page is
 * one server round trip, which is what the time-to-interactive target measures.
 */
export default async function Search({ params, searchParams }: Props) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = dictionary(lang).search;
  const query = first((await searchParams).q).trim().slice(0, 100);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(first((await searchParams).page), 10) || 1));
  // An API outage is a message under the search box, not an error page: the form stays usable.
  const results = query ? await searchBooks(query, page).catch((error: unknown) => (error instanceof ApiError ? ("unavailable" as const) : Promise.reject(error))) : null;
  const pageHref = (n: number) => `/${lang}/search?${new URLSearchParams({ q: query, page: String(n) })}`;
  return (
    <>
      <h1>{t.title}</h1>
      <form className="search" role="search" action={`/${lang}/search`} method="get">
        <input id="q" name="q" type="search" defaultValue={query} placeholder={t.placeholder} aria-label={t.label} maxLength={100} autoComplete="off" enterKeyHint="search" />
        <button type="submit">{t.submit}</button>
      </form>
      {results === "unavailable" && (
        <p role="alert" className="error">
          {t.unavailable}
        </p>
      )}
      {results && results !== "unavailable" && (
        <section aria-live="polite">
          <p className="muted">{results.count ? t.results(results.count, query) : t.none(query)}</p>
          <BookList lang={lang} books={results.results} by={dictionary(lang).book.by} />
          {results.num_pages > 1 && (
            <p className="pager">
              {results.has_previous ? <PageLink href={pageHref(results.page - 1)}>{t.previous}</PageLink> : <span />}
              <span className="muted">{t.page(results.page, results.num_pages)}</span>
              {results.has_next ? <PageLink href={pageHref(results.page + 1)}>{t.next}</PageLink> : <span />}
            </p>
          )}
        </section>
      )}
    </>
  );
}
