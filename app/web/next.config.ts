import type { NextConfig } from "next";
import { readBuildConfig } from "./lib/env";

// Build-time inputs only (next.config is evaluated by `next build` and frozen into the
// standalone server): runtime values are read per request through lib/env.ts.
const build = readBuildConfig();

const nextConfig: NextConfig = {
  // Self-contained server for the container image (no node_modules from the build stage).
  // https://nextjs.org/docs/app/api-reference/config/next-config-js/output
  output: "standalone",
  assetPrefix: build.assetPrefix,
  poweredByHeader: false,
  // No next/image: nothing to optimise, and its disk cache would need a writable root.
  images: { unoptimized: true },
  experimental: {
    // Keep the ISR/data cache in memory (bounded by cacheMaxMemorySize, 50 MB): the image
    // runs with a read-only root filesystem. https://nextjs.org/docs/app/guides/self-hosting
    isrFlushToDisk: false,
    // The stylesheet is ~1 kB: inline it instead of a render-blocking request on 3G.
    inlineCss: true,
    globalNotFound: true,
  },
};

export default nextConfig;
