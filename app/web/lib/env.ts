/**
 * The web's environment, read only through env-contract.json (one home for the names).
 *
 * Values are looked up with a computed key (`env[name]`), never `process.env.NEXT_PUBLIC_X`:
 * Next.js inlines literal NEXT_PUBLIC_ references at build time, which would freeze the API
 * URL and region into the image. Computed lookups stay runtime values, so one image serves
 * every stack. https://nextjs.org/docs/app/guides/environment-variables#runtime-environment-variables
 */
import contract from "../env-contract.json";

export type Phase = "build" | "runtime";

export interface EnvVar {
  name: string;
  phase: Phase;
  required: boolean;
  secret: boolean;
  exposed: boolean;
  description: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const CONTRACT: readonly EnvVar[] = contract.variables as EnvVar[];

/** Server-side configuration, read per process from the task environment. */
export interface RuntimeConfig {
  apiUrl: string;
  region: string;
}

/** Inputs of `next build` (see next.config.ts). */
export interface BuildConfig {
  assetPrefix: string | undefined;
}

/** One readable error naming every variable to fix. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`web environment: ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

function variables(phase: Phase): EnvVar[] {
  return CONTRACT.filter((v) => v.phase === phase);
}

function absoluteUrl(name: string, value: string, problems: string[]): string {
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href.replace(/\/+$/, "");
  } catch {
    /* reported below */
  }
  problems.push(`${name} must be an absolute http(s) URL, got "${value}"`);
  return "";
}

function collect(phase: Phase, env: Env): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const v of variables(phase)) {
    const raw = env[v.name]?.trim() ?? "";
    if (!raw) {
      if (v.required) problems.push(`${v.name} is required (see app/web/env-contract.json)`);
      continue;
    }
    values[v.name] = v.name.endsWith("_URL") ? absoluteUrl(v.name, raw, problems) : raw;
  }
  return { values, problems };
}

/** Problems with the runtime environment (empty when the server can start). */
export function runtimeProblems(env: Env): string[] {
  return collect("runtime", env).problems;
}

export function readRuntimeConfig(env: Env = process.env): RuntimeConfig {
  const { values, problems } = collect("runtime", env);
  if (problems.length) throw new EnvError(problems);
  return { apiUrl: values.NEXT_PUBLIC_API_URL, region: values.NEXT_PUBLIC_REGION };
}

export function readBuildConfig(env: Env = process.env): BuildConfig {
  const { values, problems } = collect("build", env);
  if (problems.length) throw new EnvError(problems);
  return { assetPrefix: values.NEXT_PUBLIC_CDN_URL || undefined };
}
