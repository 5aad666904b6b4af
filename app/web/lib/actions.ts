"use server";
/**
 * Server Functions behind the sign-in, sign-out and progress forms. They work before any
 * JavaScript has loaded (plain form posts) and Next rejects calls whose Origin is not this
 * site. https://nextjs.org/docs/app/guides/server-actions
 */
import { redirect } from "next/navigation";
import { callDjango, type Me, type Progress } from "./django";
import { DEFAULT_LOCALE, isLocale, type Locale, safeNext } from "./i18n";

function formLocale(form: FormData): Locale {
  const lang = String(form.get("lang") ?? "");
  return isLocale(lang) ? lang : DEFAULT_LOCALE;
}

export async function signIn(form: FormData): Promise<void> {
  const lang = formLocale(form);
  const next = safeNext(String(form.get("next") ?? ""), lang);
  const username = String(form.get("username") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const result = username && password ? await callDjango<Me>("/api/auth/login/", { method: "POST", json: { username, password }, relay: true }) : { status: 400, body: null };
  if (result.status === 200 && result.body?.authenticated) redirect(next);
  const error = result.status === 400 ? "invalid" : result.status === 429 ? "locked" : "unavailable";
  redirect(`/${lang}/signin?${new URLSearchParams({ error, next })}`);
}

export async function signOut(form: FormData): Promise<void> {
  const lang = formLocale(form);
  await callDjango("/api/auth/logout/", { method: "POST", relay: true });
  redirect(`/${lang}`);
}

export interface SaveState {
  status: "idle" | "saved" | "error" | "signin";
  percent: number;
}

/** Parse a 0-100 integer from a form field (null when it is not one). */
function percentOf(value: FormDataEntryValue | null): number | null {
  const text = String(value ?? "").trim();
  if (!/^\d{1,3}$/.test(text)) return null;
  const percent = Number(text);
  return percent <= 100 ? percent : null;
}

export async function saveProgress(bookId: number, previous: SaveState, form: FormData): Promise<SaveState> {
  const percent = percentOf(form.get("percent"));
  if (!Number.isSafeInteger(bookId) || bookId < 1 || percent === null) return { status: "error", percent: previous.percent };
  const result = await callDjango<Progress>(`/api/reading/progress/${bookId}/`, { method: "PUT", json: { percent }, relay: true });
  if (result.status === 401 || result.status === 403) return { status: "signin", percent };
  if (result.status !== 200 || !result.body) return { status: "error", percent };
  return { status: "saved", percent: result.body.percent };
}
