import { expect, test } from "@playwright/test";
import { openBook, READER, signIn } from "./reader";

test("my reading needs a session and sends anonymous readers to sign-in", async ({ page }) => {
  await page.goto("/en/reading");
  await expect(page).toHaveURL(/\/en\/signin\?next=%2Fen%2Freading$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a readable message", async ({ page }) => {
  await page.goto("/en/signin");
  await page.getByLabel("Username").fill(READER.username);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("main").getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page.context().cookies()).resolves.not.toContainEqual(expect.objectContaining({ name: "sessionid" }));
});

test("signing in shows the reader's books and progress, signing out ends the session", async ({ page }) => {
  await signIn(page);
  await expect(page.getByText(`Signed in as ${READER.username}`)).toBeVisible();
  const entry = page.locator("ul.books li", { hasText: "Les Soleils des indépendances" });
  await expect(entry).toContainText("25% read");
  const session = (await page.context().cookies()).find((c) => c.name === "sessionid");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/en$/);
  await page.goto("/en/reading");
  await expect(page).toHaveURL(/\/en\/signin/);
});

test("a signed-in reader saves progress on a book page and finds it in My reading", async ({ page }) => {
  await signIn(page);
  await openBook(page, "Half of a Yellow Sun");
  const percent = page.getByLabel("Percent read");
  await expect(percent).toHaveValue("0");
  await percent.fill("60");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Progress saved (60 %)");

  await page.reload();
  await expect(page.getByLabel("Percent read")).toHaveValue("60");
  await page.getByRole("link", { name: "My reading" }).click();
  await expect(page.locator("ul.books li", { hasText: "Half of a Yellow Sun" })).toContainText("60% read");
});

test("an anonymous reader is invited to sign in from a book page and comes back to it", async ({ page }) => {
  await openBook(page, "Petals of Blood");
  await page.getByRole("link", { name: "Sign in to track your reading" }).click();
  await page.getByLabel("Username").fill(READER.username);
  await page.getByLabel("Password").fill(READER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Petals of Blood" })).toBeVisible();
  await expect(page.getByLabel("Percent read")).toHaveValue("0");
});

test("sign-in posted from another site is refused (Server Function Origin check)", async ({ request, baseURL }) => {
  const form = await (await request.get("/en/signin")).text();
  const actionField = form.match(/name="(\$ACTION_ID_[0-9a-f]+)"/)?.[1];
  expect(actionField).toBeTruthy();
  const fields = { [actionField as string]: "", lang: "en", next: "/en/reading", username: READER.username, password: READER.password };
  const post = (origin: string) => request.post("/en/signin", { multipart: fields, headers: { Origin: origin }, maxRedirects: 0 });

  const forged = await post("https://evil.example");
  expect(forged.status()).toBe(500);
  expect(forged.headers()["set-cookie"] ?? "").not.toContain("sessionid=");

  const genuine = await post(baseURL as string);
  expect(genuine.status()).toBe(303);
  expect(genuine.headers()["location"]).toBe("/en/reading");
  expect(genuine.headers()["set-cookie"]).toMatch(/sessionid=\w+;.*HttpOnly/i);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in still works (the form posts to a Server Function)", async ({ page }) => {
    await page.goto("/fr/signin");
    await page.getByLabel("Nom d'utilisateur").fill(READER.username);
    await page.getByLabel("Mot de passe").fill(READER.password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page.getByText(`Connecté en tant que ${READER.username}`)).toBeVisible();
  });
});
