import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import contract from "../../env-contract.json";
import { CONTRACT, EnvError, readBuildConfig, readRuntimeConfig, runtimeProblems } from "../../lib/env";

const ROOT = path.resolve(__dirname, "../..");
const VALID = { NEXT_PUBLIC_API_URL: "https://api.coko.africa/", NEXT_PUBLIC_REGION: "af-south-1" };

/** An environment that records every name the code looks up. */
function recording(values: Record<string, string>): { env: Record<string, string | undefined>; read: Set<string> } {
  const read = new Set<string>();
  const env = new Proxy(values, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return target[name as string];
    },
  });
  return { env, read };
}

/** The app's own code (what `next build` compiles), without test and tooling files. */
const APP_SOURCES = ["app", "lib", "components", "proxy.ts", "instrumentation.ts", "instrumentation-node.ts", "next.config.ts"];

function sourceFiles(entry: string): string[] {
  if (statSync(entry).isDirectory()) return readdirSync(entry).flatMap((name) => sourceFiles(path.join(entry, name)));
  return /\.(ts|tsx)$/.test(entry) ? [entry] : [];
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

describe("env contract", () => {
  it("holds exactly the seed's three web variables", () => {
    expect(CONTRACT.map((v) => v.name).sort()).toEqual(["NEXT_PUBLIC_API_URL", "NEXT_PUBLIC_CDN_URL", "NEXT_PUBLIC_REGION"]);
    expect(contract.version).toBe(1);
    for (const v of CONTRACT) {
      expect(["build", "runtime"]).toContain(v.phase);
      expect(v.secret).toBe(false);
      expect(v.description.length).toBeGreaterThan(20);
    }
  });

  it("the server and the build together read exactly the contract's variables", () => {
    const { env, read } = recording({ ...VALID, NEXT_PUBLIC_CDN_URL: "https://cdn.coko.africa" });
    readRuntimeConfig(env);
    readBuildConfig(env);
    expect([...read].sort()).toEqual(CONTRACT.map((v) => v.name).sort());
  });

  it("runtime values are read from the environment at run time, not frozen by next build", () => {
    // A literal process.env.NEXT_PUBLIC_X is inlined at build time; only lib/env.ts may read
    // the environment, and only with computed keys. Next's own NEXT_RUNTIME/NEXT_PHASE aside.
    const offenders: string[] = [];
    const files = APP_SOURCES.flatMap((entry) => sourceFiles(path.join(ROOT, entry)));
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      for (const match of withoutComments(readFileSync(file, "utf8")).matchAll(/process\.env(?:\.(\w+)|\[)/g)) {
        if (!["NEXT_RUNTIME", "NEXT_PHASE"].includes(match[1] ?? "")) offenders.push(`${path.relative(ROOT, file)}: ${match[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("build-time variables are Docker build arguments, runtime ones are not baked into the image", () => {
    const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8").replace(/^\s*#.*$/gm, "");
    for (const v of CONTRACT) {
      if (v.phase === "build") expect(dockerfile).toMatch(new RegExp(`^ARG ${v.name}\\b`, "m"));
      else expect(dockerfile).not.toMatch(new RegExp(`\\b${v.name}\\b`));
    }
  });

  it("a configured server gets a normalised API URL and its region", () => {
    expect(readRuntimeConfig(VALID)).toEqual({ apiUrl: "https://api.coko.africa", region: "af-south-1" });
    expect(readBuildConfig({})).toEqual({ assetPrefix: undefined });
  });

  it("names every missing or invalid variable in one error", () => {
    expect(runtimeProblems({})).toEqual([
      "NEXT_PUBLIC_API_URL is required (see app/web/env-contract.json)",
      "NEXT_PUBLIC_REGION is required (see app/web/env-contract.json)",
    ]);
    expect(() => readRuntimeConfig({ NEXT_PUBLIC_API_URL: "api.coko.africa", NEXT_PUBLIC_REGION: " " })).toThrowError(EnvError);
    try {
      readRuntimeConfig({ NEXT_PUBLIC_API_URL: "ftp://api.coko.africa", NEXT_PUBLIC_REGION: "" });
    } catch (error) {
      expect((error as EnvError).problems).toEqual([
        'NEXT_PUBLIC_API_URL must be an absolute http(s) URL, got "ftp://api.coko.africa"',
        "NEXT_PUBLIC_REGION is required (see app/web/env-contract.json)",
      ]);
    }
    expect(() => readBuildConfig({ NEXT_PUBLIC_CDN_URL: "cdn.coko.africa" })).toThrowError(/NEXT_PUBLIC_CDN_URL must be an absolute/);
  });
});
