import { expect, test } from "@playwright/test";

test("searching by author lists that author's books", async ({ page }) => {
  await page.goto("/en/search");
  const box = page.getByRole("searchbox", { name: "Title or author" });
  await box.fill("kourouma");
  await box.press("Enter");
  await expect(page.getByText("2 results for “kourouma”")).toBeVisible();
  const titles = await page.locator("ul.books li a").allTextContents();
  expect(titles.sort()).toEqual(["Allah n'est pas obligé", "Les Soleils des indépendances"]);
  await expect(box).toHaveValue("kourouma");
});

test("a search with no match says so", async ({ page }) => {
  await page.goto("/en/search?q=zzzzzz");
  await expect(page.getByText("No book matches “zzzzzz”.")).toBeVisible();
  await expect(page.locator("ul.books li")).toHaveCount(0);
});

test("long result lists are paginated", async ({ page }) => {
  await page.goto("/fr/search?q=Contes du fleuve");
  await expect(page.getByText("30 résultats pour « Contes du fleuve »")).toBeVisible();
  await expect(page.locator("ul.books li")).toHaveCount(20);
  await page.getByRole("link", { name: "Page suivante" }).click();
  await expect(page.getByText("Page 2 sur 2")).toBeVisible();
  await expect(page.locator("ul.books li")).toHaveCount(10);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("search still works (plain form)", async ({ page }) => {
    await page.goto("/en/search");
    await page.getByRole("searchbox").fill("achebe");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("link", { name: "Things Fall Apart" })).toBeVisible();
  });
});
