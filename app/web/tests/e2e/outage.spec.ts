/** The web against an API that does not answer (a second server from playwright.config.ts). */
import { expect, test } from "@playwright/test";
import { NO_API_WEB_PORT } from "../../playwright.config";

test.use({ baseURL: `http://127.0.0.1:${NO_API_WEB_PORT}` });

test("liveness stays green while the API is down (ECS must not restart every web task)", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok", region: "af-south-1" });
});

test("search keeps its form and says the catalogue is unavailable", async ({ page }) => {
  await page.goto("/en/search?q=achebe");
  await expect(page.locator("main").getByRole("alert")).toHaveText("Search is unavailable for a moment. Please try again shortly.");
  await expect(page.getByRole("searchbox", { name: "Title or author" })).toHaveValue("achebe");
});

test("a page that needs the API answers an error status, never an empty 200", async ({ request }) => {
  expect((await request.get("/fr")).status()).toBe(500);
});

test("signing in while the API is down says so instead of blaming the password", async ({ page }) => {
  await page.goto("/en/signin");
  await page.getByLabel("Username").fill("amina");
  await page.getByLabel("Password").fill("whatever");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("main").getByRole("alert")).toHaveText("The service is unavailable, please try again shortly.");
});
