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
import { cpSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const standalone = path.join(root, ".next", "standalone");
if (!existsSync(path.join(standalone, "server.js"))) {
  console.error("serve-standalone: no .next/standalone/server.js; run `npm run build` first");
  process.exit(2);
}
const staticTarget = path.join(standalone, ".next", "static");
rmSync(staticTarget, { recursive: true, force: true });
cpSync(path.join(root, ".next", "static"), staticTarget, { recursive: true });
if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });

const env = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", HOSTNAME: process.env.HOSTNAME_BIND ?? "127.0.0.1" };
const asRoot = process.getuid?.() === 0;
const command = asRoot ? "setpriv" : process.execPath;
const args = asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "server.js"] : ["server.js"];
const child = spawn(command, args, { cwd: standalone, env, stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
