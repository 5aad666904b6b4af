import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { signIn } from "@/lib/actions";
import { dictionary } from "@/lib/dictionaries";
import { isLocale, safeNext } from "@/lib/i18n";

type Props = { params: Promise<{ lang: string }>; searchParams: Promise<{ error?: string; next?: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { lang } = await params;
  return isLocale(lang) ? { title: dictionary(lang).signIn.title, robots: { index: false } } : {};
}

/** Sign-in: a plain form posting to the signIn Server Function (works without JavaScript). */
export default async function SignIn({ params, searchParams }: Props) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = dictionary(lang).signIn;
  const { error, next } = await searchParams;
  const messages: Record<string, string> = { invalid: t.invalid, locked: t.locked, unavailable: t.unavailable };
  const message = error && Object.hasOwn(messages, error) ? messages[error] : undefined;
  return (
    <>
      <h1>{t.title}</h1>
      {message && (
        <p role="alert" className="error">
          {message}
        </p>
      )}
      <form action={signIn} className="stack">
        <input type="hidden" name="lang" value={lang} />
        <input type="hidden" name="next" value={safeNext(next, lang)} />
        <label htmlFor="username">{t.username}</label>
        <input id="username" name="username" type="text" autoComplete="username" autoCapitalize="none" required />
        <label htmlFor="password">{t.password}</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit">{t.submit}</button>
      </form>
    </>
  );
}
