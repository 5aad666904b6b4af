import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const text = readFileSync(path.resolve(__dirname, "../../Dockerfile"), "utf8");
const lines = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
const stages = text.split(/^FROM /m).slice(1);
const runtime = stages.at(-1) ?? "";

describe("web Dockerfile", () => {
  it("is multi-stage and the final stage starts from the Node image, not from the build", () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(runtime.split("\n")[0]).toBe("${NODE_IMAGE} AS runtime");
    expect(text).toMatch(/^ARG NODE_IMAGE=node:\d+-alpine$/m);
  });

  it("installs from the lock file and never downloads a browser", () => {
    expect(lines).toContain("RUN npm ci --ignore-scripts");
    expect(text).toMatch(/PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1/);
    expect(text).toMatch(/NEXT_TELEMETRY_DISABLED=1/);
  });

  it("ships only the standalone server and its static files, owned by root, run by a non-root user", () => {
    const copies = runtime.split("\n").filter((l) => l.startsWith("COPY"));
    expect(copies).toEqual([
      "COPY --from=build --chown=root:root /src/.next/standalone ./",
      "COPY --from=build --chown=root:root /src/.next/static ./.next/static",
    ]);
    expect(runtime).toMatch(/^USER coko:coko$/m);
    expect(runtime).not.toMatch(/^RUN .*npm (ci|install)/m);
    expect(runtime).toMatch(/^EXPOSE 3000$/m);
    expect(runtime).toMatch(/^VOLUME \["\/tmp"\]$/m);
  });

  it("health-checks /api/health and starts the standalone server", () => {
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*127\.0\.0\.1:3000\/api\/health/);
    expect(runtime).toMatch(/^CMD \["node", "server\.js"\]$/m);
  });
});
