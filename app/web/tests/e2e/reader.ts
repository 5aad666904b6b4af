/** The signed-in reader seeded by tests/web/serve_api.py (READER there). */
import { expect, type Page } from "@playwright/test";

export const READER = { username: "amina", password: "lire-a-dakar-2026" };

export async function signIn(page: Page, lang: "en" | "fr" = "en"): Promise<void> {
  await page.goto(`/${lang}/signin`);
  await page.getByLabel(lang === "en" ? "Username" : "Nom d'utilisateur").fill(READER.username);
  await page.getByLabel(lang === "en" ? "Password" : "Mot de passe").fill(READER.password);
  await page.getByRole("button", { name: lang === "en" ? "Sign in" : "Se connecter" }).click();
  await expect(page).toHaveURL(new RegExp(`/${lang}/reading$`));
}

/** Open a book page by searching its title (ids differ between runs). */
export async function openBook(page: Page, title: string, lang: "en" | "fr" = "en"): Promise<void> {
  await page.goto(`/${lang}/search?${new URLSearchParams({ q: title })}`);
  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
}
