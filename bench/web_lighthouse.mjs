#!/usr/bin/env node
/**
 * Frontend performance: Lighthouse (mobile preset, default simulated throttling) and our own
 * time-to-interactive under the same throttling, for the production build of app/web served
 * locally with the real Django API, against a static baseline page in the same run.
 *
 *   node bench/web_lighthouse.mjs [--runs 3] [--no-build] [--json out.json]
 *
 * Lighthouse 10+ no longer reports TTI, so TTI is measured here with Playwright driving the
 * same Chromium, throttled through CDP with Lighthouse's own mobile constants (slow 4G as
 * applied throttling: 562.5 ms request latency, 1.47 Mbit/s down, 675 kbit/s up; CPU 4x):
 * from navigation start until the search box has taken a query and the results are shown.
 * The baseline is a static page with the same search box served by Node's http module: the
 * floor that the network and CPU throttling alone impose. Exit 1 when a target is missed.
 * Bounded: runs x 4 Lighthouse audits and (runs + 1) x 2 TTI flows; servers always stopped.
 */
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WEB = path.join(ROOT, "app", "web");
const fromWeb = createRequire(path.join(WEB, "package.json"));
const load = async (spec) => import(pathToFileURL(fromWeb.resolve(spec)).href);
const CHROME = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"];
const TARGETS = { ttiMs: 3000, score: 90, firstLoadJsBytes: 150_000 };

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const RUNS = Math.max(1, Math.min(7, Number(option("--runs", "3"))));
const JSON_OUT = option("--json", null);
process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000}s`);
}

const children = [];
function start(command, argv, options) {
  const child = spawn(command, argv, { stdio: ["ignore", "ignore", "inherit"], detached: true, ...options });
  children.push(child);
  return child;
}
function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM"); // its own process group: gunicorn workers, setpriv+node
    } catch {
      /* already gone */
    }
  }
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => (stopAll(), process.exit(130)));

/** The baseline: a static page with the same search box, and a static results page. */
function baselineServer() {
  const page = (q) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Baseline</title></head>` +
    `<body><h1>Search</h1><form action="/" method="get"><input type="search" name="q" aria-label="Title or author" value="${q ? "kourouma" : ""}"><button>Search</button></form>` +
    (q ? `<ul class="books"><li><a href="/b/1">Les Soleils des indépendances</a></li><li><a href="/b/2">Allah n'est pas obligé</a></li></ul>` : "") +
    `</body></html>`;
  const server = http.createServer((req, res) => {
    const q = new URL(req.url, "http://x").searchParams.get("q");
    const body = zlib.gzipSync(page(q));
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip", "Content-Length": body.length });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function lighthouseRuns(urls) {
  const { default: lighthouse } = await load("lighthouse");
  const chromeLauncher = await load("chrome-launcher");
  const chrome = await chromeLauncher.launch({ chromePath: CHROME, chromeFlags: CHROME_FLAGS, logLevel: "silent" });
  const results = {};
  try {
    for (const [label, url] of Object.entries(urls)) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) {
        const { lhr } = await lighthouse(url, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
        if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`);
        runs.push({
          score: Math.round(lhr.categories.performance.score * 100),
          lcpMs: lhr.audits["largest-contentful-paint"].numericValue,
          tbtMs: lhr.audits["total-blocking-time"].numericValue,
          fcpMs: lhr.audits["first-contentful-paint"].numericValue,
          bytes: lhr.audits["total-byte-weight"].numericValue,
        });
      }
      const pick = (k) => median(runs.map((r) => r[k]));
      results[label] = { url, runs, score: pick("score"), lcpMs: pick("lcpMs"), tbtMs: pick("tbtMs"), fcpMs: pick("fcpMs"), bytes: pick("bytes") };
      console.error(`lighthouse ${label}: score ${results[label].score}, LCP ${results[label].lcpMs.toFixed(0)} ms`);
    }
  } finally {
    await chrome.kill();
  }
  return results;
}

async function ttiRuns(browser, flows) {
  const { throttling, screenEmulationMetrics, userAgents } = await import(pathToFileURL(path.join(WEB, "node_modules/lighthouse/core/config/constants.js")).href);
  const t = throttling.mobileSlow4G;
  const screen = screenEmulationMetrics.mobile;
  const results = {};
  for (const [label, flow] of Object.entries(flows)) {
    const runs = [];
    for (let i = -1; i < RUNS; i++) {
      // i = -1: one discarded warm-up (browser process and server code paths), like Lighthouse's own warm-up load.
      const context = await browser.newContext({
        viewport: { width: screen.width, height: screen.height },
        deviceScaleFactor: screen.deviceScaleFactor,
        isMobile: true,
        hasTouch: true,
        userAgent: userAgents.mobile,
        locale: "fr-FR",
      });
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: t.requestLatencyMs,
        downloadThroughput: (t.downloadThroughputKbps * 1024) / 8,
        uploadThroughput: (t.uploadThroughputKbps * 1024) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: t.cpuSlowdownMultiplier });
      const started = performance.now();
      await page.goto(flow.url, { waitUntil: "commit" });
      const box = page.locator('input[name="q"]');
      await box.fill(flow.query, { timeout: 30_000 }); // waits until visible, enabled and editable
      const inputMs = performance.now() - started;
      await box.press("Enter");
      await page.locator(flow.results).first().waitFor({ state: "visible", timeout: 30_000 });
      const ttiMs = performance.now() - started;
      if (i >= 0) runs.push({ inputMs, ttiMs });
      await context.close();
    }
    results[label] = { url: flow.url, runs, inputMs: median(runs.map((r) => r.inputMs)), ttiMs: median(runs.map((r) => r.ttiMs)) };
    console.error(`tti ${label}: ${results[label].ttiMs.toFixed(0)} ms`);
  }
  return results;
}

/** Compressed bytes of the JavaScript a first visit downloads (Resource Timing encodedBodySize). */
async function firstLoadJs(browser, urls) {
  const results = {};
  for (const [label, url] of Object.entries(urls)) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await sleep(500);
    const scripts = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => e.initiatorType === "script" || /\.js(\?|$)/.test(e.name))
        .map((e) => ({ name: e.name, bytes: e.encodedBodySize })),
    );
    results[label] = { url, files: scripts.length, bytes: scripts.reduce((sum, s) => sum + s.bytes, 0) };
    await context.close();
  }
  return results;
}

function run(command, argv, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd, stdio: ["ignore", "ignore", "inherit"] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${argv.join(" ")} exited ${code}`))));
  });
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

async function main() {
  if (!existsSync(CHROME)) throw new Error(`no Chromium at ${CHROME}: apt-get install -y chromium (or set CHROME_PATH)`);
  if (!args.includes("--no-build")) await run("npx", ["next", "build"], WEB);
  const python = process.env.WEB_E2E_PYTHON || path.join(ROOT, ".venv", "bin", "python");
  const [apiPort, webPort] = [await freePort(), await freePort()];
  // Its own databases (cokowebbench*): an e2e run at the same time keeps its data.
  start(python, ["tests/web/serve_api.py", "--port", String(apiPort)], { cwd: ROOT, env: { ...process.env, WEB_E2E_DB_BASE: process.env.WEB_E2E_DB_BASE ?? "cokowebbench" } });
  await waitFor(`http://127.0.0.1:${apiPort}/health/`, 180_000);
  start(process.execPath, ["scripts/serve-standalone.mjs"], {
    cwd: WEB,
    env: { ...process.env, PORT: String(webPort), NEXT_PUBLIC_API_URL: `http://127.0.0.1:${apiPort}`, NEXT_PUBLIC_REGION: "eu-west-3" },
  });
  const web = `http://127.0.0.1:${webPort}`;
  await waitFor(`${web}/api/health`, 60_000);
  const baseline = await baselineServer();
  const base = `http://127.0.0.1:${baseline.address().port}`;
  const bookPath = `/fr/books/${(await (await fetch(`http://127.0.0.1:${apiPort}/api/recommendations/popular/`)).json()).results[0].book_id}`;
  // Warm the ISR and data caches once, as any page after the first visitor in a minute.
  for (const p of ["/fr", bookPath, "/fr/search?q=kourouma"]) await fetch(web + p);

  const playwright = await load("@playwright/test");
  const chromium = playwright.chromium ?? playwright.default.chromium;
  const browser = await chromium.launch({ executablePath: CHROME, args: CHROME_FLAGS.filter((f) => !f.startsWith("--headless")) });
  try {
    const pages = { "home /fr": `${web}/fr`, "book page": `${web}${bookPath}`, "search results": `${web}/fr/search?q=kourouma`, "baseline: static page": `${base}/` };
    const lh = await lighthouseRuns(pages);
    const tti = await ttiRuns(browser, {
      "search /fr/search": { url: `${web}/fr/search`, query: "kourouma", results: "ul.books li" },
      "baseline: static page": { url: `${base}/`, query: "kourouma", results: "ul.books li" },
    });
    const js = await firstLoadJs(browser, { "home /fr": pages["home /fr"], "book page": pages["book page"], "search /fr/search": `${web}/fr/search` });
    const report = { runs: RUNS, chromium: browser.version(), targets: TARGETS, lighthouse: lh, tti, firstLoadJs: js };
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));

    const lines = [
      `Lighthouse 12.2.3, mobile preset (simulated slow 4G, CPU 4x), median of ${RUNS}; Chromium ${browser.version()}`,
      "",
      "| page | score | LCP ms | TBT ms | FCP ms | transfer |",
      "|---|---:|---:|---:|---:|---:|",
      ...Object.entries(lh).map(([k, r]) => `| ${k} | ${r.score} | ${r.lcpMs.toFixed(0)} | ${r.tbtMs.toFixed(0)} | ${r.fcpMs.toFixed(0)} | ${kb(r.bytes)} |`),
      "",
      `Time to interactive (search box takes a query and shows results), applied throttling, median of ${RUNS}:`,
      "",
      "| flow | search box ready ms | results shown ms | vs baseline |",
      "|---|---:|---:|---:|",
      ...Object.entries(tti).map(([k, r]) => `| ${k} | ${r.inputMs.toFixed(0)} | ${r.ttiMs.toFixed(0)} | ${(r.ttiMs / tti["baseline: static page"].ttiMs).toFixed(2)} |`),
      "",
      "| first-load JS (gzip, as served) | files | bytes |",
      "|---|---:|---:|",
      ...Object.entries(js).map(([k, r]) => `| ${k} | ${r.files} | ${kb(r.bytes)} |`),
    ];
    console.log(lines.join("\n"));

    const misses = [];
    const ttiWeb = tti["search /fr/search"].ttiMs;
    if (ttiWeb >= TARGETS.ttiMs) misses.push(`TTI ${ttiWeb.toFixed(0)} ms >= ${TARGETS.ttiMs} ms`);
    for (const [k, r] of Object.entries(lh)) if (!k.startsWith("baseline") && r.score < TARGETS.score) misses.push(`${k} score ${r.score} < ${TARGETS.score}`);
    for (const [k, r] of Object.entries(js)) if (r.bytes > TARGETS.firstLoadJsBytes) misses.push(`${k} first-load JS ${kb(r.bytes)} > ${kb(TARGETS.firstLoadJsBytes)}`);
    console.log(misses.length ? `\ntargets missed: ${misses.join("; ")}` : "\nall targets met (TTI < 3 s, score >= 90, first-load JS <= 150 kB)");
    process.exitCode = misses.length ? 1 : 0;
  } finally {
    await browser.close();
    baseline.close();
    stopAll();
  }
}

main().catch((error) => {
  console.error(`web_lighthouse: ${error.message}`);
  stopAll();
  process.exit(2);
});
