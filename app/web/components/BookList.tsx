import { PageLink } from "@/components/PageLink";
import type { Locale } from "@/lib/i18n";

export interface BookRow {
  id: number;
  title: string;
  author: string;
  note?: string;
}

/** A plain list of links to book pages (no client code). */
export function BookList({ lang, books, by }: { lang: Locale; books: BookRow[]; by: string }) {
  return (
    <ul className="books">
      {books.map((book) => (
        <li key={book.id}>
          <PageLink href={`/${lang}/books/${book.id}`}>
            {book.title}
          </PageLink>{" "}
          <span className="muted">
            {by} {book.author}
            {book.note ? ` · ${book.note}` : ""}
          </span>
        </li>
      ))}
    </ul>
  );
}
