import Link from "next/link";

/** notFound() inside a localized page (unknown book id). The layout is already localized. */
export default function NotFound() {
  return (
    <>
      <h1>404</h1>
      <p>
        <Link href="/fr">Ce livre n&apos;existe pas.</Link> · <Link href="/en">This book does not exist.</Link>
      </p>
    </>
  );
}
