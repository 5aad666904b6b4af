import { PageLink } from "@/components/PageLink";

/** notFound() inside a localized page (unknown book id). The layout is already localized. */
export default function NotFound() {
  return (
    <>
      <h1>404</h1>
      <p>
        <PageLink href="/fr">Ce livre n&apos;existe pas.</PageLink> · <PageLink href="/en">This book does not exist.</PageLink>
      </p>
    </>
  );
}
