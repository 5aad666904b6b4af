import type { Metadata, Viewport } from "next";
import { PageLink } from "@/components/PageLink";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { LanguageSwitch } from "@/components/LanguageSwitch";
import { dictionary } from "@/lib/dictionaries";
import { isLocale, LOCALES } from "@/lib/i18n";
import "../globals.css";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export async function generateMetadata({ params }: { params: Promise<{ lang: string }> }): Promise<Metadata> {
  const { lang } = await params;
  if (!isLocale(lang)) return {};
  const t = dictionary(lang);
  return { title: { default: `${t.siteName} · ${t.tagline}`, template: `%s · ${t.siteName}` }, description: t.tagline };
}

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ lang: string }> }) {
  const { lang } = await params;
  if (!isLocale(lang)) notFound();
  const t = dictionary(lang);
  const other = LOCALES.find((l) => l !== lang) ?? lang;
  return (
    <html lang={lang}>
      <body>
        <header>
          <PageLink className="brand" href={`/${lang}`}>
            {t.siteName}
          </PageLink>
          <nav aria-label={t.siteName}>
            <PageLink href={`/${lang}/search`}>{t.nav.search}</PageLink>
            <PageLink href={`/${lang}/reading`}>
              {t.nav.reading}
            </PageLink>
            <LanguageSwitch target={other} label={t.switchTo} />
          </nav>
        </header>
        <main>{children}</main>
        <footer>{t.tagline}</footer>
      </body>
    </html>
  );
}
