#!/usr/bin/env node
/**
 * Serve the production build the way the image does: `.next/standalone/server.js` with
 * the static assets beside it. When run as root (CI), the server runs as `nobody`, which
 * cannot write anywhere in the build: the closest this machine gets to the container's
 * read-only root filesystem. Environment (PORT, NEXT_PUBLIC_API_URL, ...) is passed on.
 *
 *   node scripts/serve-standalone.mjs            # after `npm run build`
 */
import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const standalone = path.join(root, ".next", "standalone");
if (!existsSync(path.join(standalone, "server.js"))) {
  console.error("serve-standalone: no .next/standalone/server.js; run `npm run build` first");
  process.exit(2);
}
// Static files beside the server, once per build (several servers may share one build).
const staticTarget = path.join(standalone, ".next", "static");
const buildId = readFileSync(path.join(root, ".next", "BUILD_ID"), "utf8");
const marker = path.join(staticTarget, ".build-id");
if (!existsSync(marker) || readFileSync(marker, "utf8") !== buildId) {
  rmSync(staticTarget, { recursive: true, force: true });
  cpSync(path.join(root, ".next", "static"), staticTarget, { recursive: true });
  writeFileSync(marker, buildId);
}
if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });

const env = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: process.env.HOSTNAME_BIND ?? "127.0.0.1" };
const asRoot = process.getuid?.() === 0;
// As root: a root-owned copy in a world-readable temporary folder (the checkout may sit
// under a folder `nobody` cannot enter), like the image's /app. Removed on exit.
const serveDir = asRoot ? mkdtempSync(path.join(tmpdir(), "coko-web-")) : standalone;
const cleanUp = () => asRoot && rmSync(serveDir, { recursive: true, force: true });
let child;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (child) return void child.kill(signal);
    cleanUp();
    process.exit(1);
  });
}
if (asRoot) {
  chmodSync(serveDir, 0o755);
  await cp(standalone, serveDir, { recursive: true });
}
const command = asRoot ? "setpriv" : process.execPath;
const args = asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "server.js"] : ["server.js"];
child = spawn(command, args, { cwd: serveDir, env, stdio: "inherit" });
child.on("exit", (code, signal) => {
  cleanUp();
  process.exit(code ?? (signal ? 1 : 0));
});
