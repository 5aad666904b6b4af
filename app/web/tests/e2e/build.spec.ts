/** Properties of the production build itself (what the image's final stage copies). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

const WEB = path.resolve(__dirname, "../..");

test("the standalone server carries none of the dev dependencies", () => {
  const { dependencies, devDependencies } = JSON.parse(readFileSync(path.join(WEB, "package.json"), "utf8"));
  const modules = path.join(WEB, ".next/standalone/node_modules");
  expect(existsSync(path.join(modules, "next"))).toBe(true);
  expect(Object.keys(dependencies)).toContain("next");
  const shipped = Object.keys(devDependencies).filter((name) => existsSync(path.join(modules, name)));
  expect(shipped).toEqual([]);
});
