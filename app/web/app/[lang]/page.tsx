import { notFound } from "next/navigation";
import { BookList, type BookRow } from "@/components/BookList";
import { popularBooks, searchBooks } from "@/lib/api";
import { dictionary } from "@/lib/dictionaries";
import { isLocale } from "@/lib/i18n";

// ISR: rendered on first visit, then served from cache and re-rendered in the background
// at most once a minute; Next sends s-maxage=60 so CloudFront may keep it as long.
// https://nextjs.org/docs/app/guides/incremental-static-regeneration
export const revalidate = 60;
export function generateStaticParams(): { lang: string }[] {
  return []; // nothing at build time: the API is not reachable from the image build
}

export default async function Home({ params }: { params: Promise<{ lang: string }> }) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = dictionary(lang);
  const popular = await popularBooks();
  const rows: BookRow[] = popular.length
    ? popular.map((p) => ({ id: p.book_id, title: p.title, author: p.author, note: t.home.readers(p.readers) }))
    : (await searchBooks("", 1, 10)).results;
  return (
    <>
      <h1>{t.home.title}</h1>
      <p className="muted">{popular.length ? t.home.lead : t.home.emptyPopular}</p>
      <BookList lang={lang} books={rows} by={t.book.by} />
    </>
  );
}
