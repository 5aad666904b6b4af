import { expect, test } from "@playwright/test";
import { openBook } from "./reader";

test("switching language keeps the page and translates it", async ({ page }) => {
  await openBook(page, "Things Fall Apart", "fr");
  await expect(page.locator("article")).toContainText("par Chinua Achebe");
  const bookPath = new URL(page.url()).pathname.replace(/^\/fr/, "");

  await page.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(new RegExp(`/en${bookPath}$`));
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.locator("article")).toContainText("by Chinua Achebe");
  await expect(page.getByRole("link", { name: "Search" })).toBeVisible();

  await page.getByRole("link", { name: "Français" }).click();
  await expect(page).toHaveURL(new RegExp(`/fr${bookPath}$`));
  await expect(page.getByRole("link", { name: "Rechercher" })).toBeVisible();
});

test("switching language on a search keeps the query", async ({ page }) => {
  await page.goto("/fr/search?q=achebe");
  await expect(page.getByText("1 résultat pour « achebe »")).toBeVisible();
  await page.getByRole("link", { name: "English" }).click();
  await expect(page).toHaveURL(/\/en\/search\?q=achebe$/);
  await expect(page.getByText("1 result for “achebe”")).toBeVisible();
});
