import type { Metadata } from "next";
import { PageLink } from "@/components/PageLink";
import { notFound, redirect } from "next/navigation";
import { signOut } from "@/lib/actions";
import { ApiError, getBook } from "@/lib/api";
import { SESSION_COOKIE } from "@/lib/cookies";
import { dictionary } from "@/lib/dictionaries";
import { callDjango, type Me, type Progress } from "@/lib/django";
import { isLocale } from "@/lib/i18n";
import { cookies } from "next/headers";

type Props = { params: Promise<{ lang: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang } = await params;
  return isLocale(lang) ? { title: dictionary(lang).reading.title, robots: { index: false } } : {};
}

/** Private, per-reader page: rendered on every request with the reader's session. */
export default async function Reading({ params }: Props) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = dictionary(lang);
  const signIn = `/${lang}/signin?${new URLSearchParams({ next: `/${lang}/reading` })}`;
  if (!(await cookies()).get(SESSION_COOKIE)) redirect(signIn);
  const [me, progress] = await Promise.all([callDjango<Me>("/api/auth/me/"), callDjango<{ results: Progress[] }>("/api/reading/progress/")]);
  if (progress.status === 401 || !me.body?.authenticated) redirect(signIn);
  if (progress.status !== 200 || !progress.body) throw new ApiError("/api/reading/progress/", progress.status);
  const entries = progress.body.results.slice(0, 50);
  const books = await Promise.all(entries.map((entry) => getBook(entry.book_id).catch(() => null)));
  return (
    <>
      <h1>{t.reading.title}</h1>
      <p className="muted">{t.reading.signedInAs(me.body.username ?? "")}</p>
      {entries.length === 0 ? (
        <p>
          <PageLink href={`/${lang}/search`}>{t.reading.empty}</PageLink>
        </p>
      ) : (
        <ul className="books">
          {entries.map((entry, i) => (
            <li key={entry.book_id}>
              <PageLink href={`/${lang}/books/${entry.book_id}`}>
                {books[i]?.title ?? t.reading.unknownBook(entry.book_id)}
              </PageLink>{" "}
              <span className="muted">{t.reading.percent(entry.percent)}</span>
              <progress max={100} value={entry.percent} aria-hidden="true" />
            </li>
          ))}
        </ul>
      )}
      <form action={signOut}>
        <input type="hidden" name="lang" value={lang} />
        <p>
          <button type="submit">{t.reading.signOut}</button>
        </p>
      </form>
    </>
  );
}
