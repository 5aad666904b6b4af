/**
 * Liveness for the load balancer and ECS: answers while the Node server serves HTTP and
 * touches nothing else (like Django's /health/: an API outage must not make ECS restart
 * every web task). https://nextjs.org/docs/app/api-reference/file-conventions/route
 */
import { readRuntimeConfig } from "@/lib/env";

export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok", region: readRuntimeConfig().region }, { headers: { "Cache-Control": "no-store" } });
}
