/**
 * Startup hook: on the Node.js runtime, refuse to start with a broken environment.
 * https://nextjs.org/docs/app/guides/instrumentation#importing-runtime-specific-code
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./instrumentation-node");
}
