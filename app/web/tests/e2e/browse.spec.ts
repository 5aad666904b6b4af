import { expect, test } from "@playwright/test";

test("the home page redirects to the reader's language and lists popular books by readers", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/en$/);
  await expect(page.getByRole("heading", { level: 1, name: "Popular books" })).toBeVisible();
  const first = page.locator("ul.books li").first();
  await expect(first).toContainText("Things Fall Apart");
  await expect(first).toContainText("3 readers");
  await first.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name: "Things Fall Apart" })).toBeVisible();
  await expect(page.locator("article")).toContainText("by Chinua Achebe");
  await expect(page.locator("article")).toContainText("Okonkwo and the coming of the missionaries.");
});

test.describe("a French-speaking browser", () => {
  test.use({ locale: "fr-FR" });

  test("lands on the French home page", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/fr$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.getByRole("heading", { level: 1, name: "Livres populaires" })).toBeVisible();
    await expect(page.locator("ul.books li").first()).toContainText("3 lecteurs");
  });
});

test("an unknown book is a 404 page, not an error", async ({ page }) => {
  const response = await page.goto("/en/books/999999999");
  expect(response?.status()).toBe(404);
  await expect(page.getByText("This book does not exist.")).toBeVisible();
});

test("public pages are cacheable by the CDN and the health check names the region", async ({ request }) => {
  const home = await request.get("/en");
  expect(home.headers()["cache-control"]).toMatch(/s-maxage=60/);
  const health = await request.get("/api/health");
  expect(await health.json()).toEqual({ status: "ok", region: "eu-west-3" });
  expect(health.headers()["cache-control"]).toBe("no-store");
});
