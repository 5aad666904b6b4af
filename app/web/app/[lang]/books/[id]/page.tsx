import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProgressForm } from "@/components/ProgressForm";
import { getBook } from "@/lib/api";
import { dictionary } from "@/lib/dictionaries";
import { isLocale } from "@/lib/i18n";

type Props = { params: Promise<{ lang: string; id: string }> };

// Shared by every reader and cached like the home page; the reader's own progress is
// loaded by the small client form below, never rendered into this cached HTML.
export const revalidate = 60;
export function generateStaticParams(): { lang: string; id: string }[] {
  return [];
}

function bookId(id: string): number | null {
  return /^\d{1,12}$/.test(id) ? Number(id) : null;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang, id } = await params;
  const numeric = bookId(id);
  const book = isLocale(lang) && numeric ? await getBook(numeric) : null;
  return book ? { title: book.title, description: `${book.title} (${book.author})` } : {};
}

export default async function BookPage({ params }: Props) {
  const { lang, id } = await params;
  const numeric = bookId(id);
  if (!isLocale(lang) || numeric === null) notFound();
  const book = await getBook(numeric);
  if (!book) notFound();
  const t = dictionary(lang).book;
  return (
    <article>
      <h1>{book.title}</h1>
      <p>
        {t.by} <strong>{book.author}</strong>
      </p>
      {book.description && <p>{book.description}</p>}
      <p className="muted">
        {book.published_year ? `${t.published} ${book.published_year} · ` : ""}
        {t.language}: {book.language} · {t.isbn} {book.isbn}
      </p>
      <h2>{t.progressTitle}</h2>
      <ProgressForm
        bookId={book.id}
        lang={lang}
        labels={{ percent: t.percentLabel, save: t.save, saved: t.saved, failed: t.saveFailed, signIn: t.signInToTrack, loading: t.loading }}
      />
    </article>
  );
}
