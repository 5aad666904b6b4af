/**
 * GET /api/progress/<book id>: the signed-in reader's progress on one book, for the book
 * page's progress form (the page itself is shared and cached, so it cannot carry it).
 */
import { callDjango, type Progress } from "@/lib/django";

export const dynamic = "force-dynamic";

const PRIVATE = { "Cache-Control": "private, no-store" };

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  if (!/^\d{1,12}$/.test(id)) return Response.json({ detail: "Book id must be a positive integer." }, { status: 400, headers: PRIVATE });
  const result = await callDjango<Progress>(`/api/reading/progress/${id}/`);
  if (result.status === 401) return Response.json({ signedIn: false }, { headers: PRIVATE });
  if (result.status !== 200 || !result.body) return Response.json({ detail: "API unavailable." }, { status: 502, headers: PRIVATE });
  return Response.json({ signedIn: true, percent: result.body.percent }, { headers: PRIVATE });
}
