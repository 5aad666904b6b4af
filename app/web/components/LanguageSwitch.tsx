"use client";
/**
 * Link to the same page in the other language. Needs the current path, which only the
 * client router knows inside a shared layout; the query string (a search) is kept.
 */
import { PageLink } from "@/components/PageLink";
import { usePathname, useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { type Locale, localizedPath } from "@/lib/i18n";

interface Props {
  target: Locale;
  label: string;
}

function WithQuery({ target, label }: Props) {
  const query = useSearchParams().toString();
  const path = localizedPath(usePathname(), target);
  return (
    <PageLink href={query ? `${path}?${query}` : path} hrefLang={target} lang={target}>
      {label}
    </PageLink>
  );
}

function PathOnly({ target, label }: Props) {
  return (
    <PageLink href={localizedPath(usePathname(), target)} hrefLang={target} lang={target}>
      {label}
    </PageLink>
  );
}

export function LanguageSwitch(props: Props) {
  return (
    <Suspense fallback={<PathOnly {...props} />}>
      <WithQuery {...props} />
    </Suspense>
  );
}
