"use client";
/**
 * The signed-in reader's progress on one book: loaded after the (cached, shared) page has
 * rendered, saved through the saveProgress Server Function.
 */
import { useActionState, useEffect, useState } from "react";
import { type SaveState, saveProgress } from "@/lib/actions";
import type { Locale } from "@/lib/i18n";

interface Labels {
  percent: string;
  save: string;
  saved: string;
  failed: string;
  signIn: string;
  loading: string;
}

type Loaded = { signedIn: false } | { signedIn: true; percent: number } | null;

export function ProgressForm({ bookId, lang, labels }: { bookId: number; lang: Locale; labels: Labels }) {
  const [loaded, setLoaded] = useState<Loaded>(null);
  const [state, action, pending] = useActionState<SaveState, FormData>(saveProgress.bind(null, bookId), { status: "idle", percent: 0 });

  useEffect(() => {
    let live = true;
    fetch(`/api/progress/${bookId}`, { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : { signedIn: false }))
      .then((body: Loaded) => live && setLoaded(body))
      .catch(() => live && setLoaded({ signedIn: false }));
    return () => {
      live = false;
    };
  }, [bookId]);

  const signInLink = (
    <p>
      <a href={`/${lang}/signin?${new URLSearchParams({ next: `/${lang}/books/${bookId}` })}`}>{labels.signIn}</a>
    </p>
  );
  if (loaded === null) return <p className="muted">{labels.loading}</p>;
  if (!loaded.signedIn || state.status === "signin") return signInLink;
  const current = state.status === "saved" ? state.percent : loaded.percent;
  return (
    <form action={action} className="stack">
      <progress max={100} value={current} aria-hidden="true" />
      <label htmlFor="percent">{labels.percent}</label>
      <input id="percent" name="percent" type="number" min={0} max={100} step={1} required defaultValue={current} key={current} inputMode="numeric" />
      <button type="submit" disabled={pending}>
        {labels.save}
      </button>
      <p role="status" className={state.status === "error" ? "error" : "ok"}>
        {state.status === "saved" ? `${labels.saved} (${state.percent} %)` : state.status === "error" ? labels.failed : ""}
      </p>
    </form>
  );
}
