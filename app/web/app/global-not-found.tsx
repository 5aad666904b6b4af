import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = { title: "404 · Coko" };

/** Unmatched URLs (outside /fr and /en): bilingual, since the language is unknown here. */
export default function GlobalNotFound() {
  return (
    <html lang="fr">
      <body>
        <main>
          <h1>404</h1>
          <p>Cette page n&apos;existe pas. · This page does not exist.</p>
          <p>
            <a href="/fr">Accueil</a> · <a href="/en">Home</a>
          </p>
        </main>
      </body>
    </html>
  );
}
