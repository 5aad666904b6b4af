/**
 * Public reads from the Django API, made by the web's server only.
 *
 * Each fetch is kept in Next's data cache for REVALIDATE_SECONDS (the API's own
 * Cache-Control max-age on catalogue answers), so a page render costs no API call while
 * the entry is fresh. https://nextjs.org/docs/app/guides/caching-without-cache-components
 */
import "server-only";
import { readRuntimeConfig } from "./env";

export const REVALIDATE_SECONDS = 60;

export interface BookSummary {
  id: number;
  title: string;
  author: string;
  language: string;
  published_year: number | null;
}

export interface BookDetail extends BookSummary {
  isbn: string;
  description: string;
  updated_at: string;
}

export interface BookPage {
  count: number;
  page: number;
  page_size: number;
  num_pages: number;
  has_next: boolean;
  has_previous: boolean;
  results: BookSummary[];
}

export interface PopularBook {
  rank: number;
  book_id: number;
  title: string;
  author: string;
  readers: number;
}

/** The API answered something a page cannot use (5xx, 429, not JSON) or did not answer. */
export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
  ) {
    super(`API ${path} answered ${status}`);
    this.name = "ApiError";
  }
}

export function apiUrl(path: string): string {
  return `${readRuntimeConfig().apiUrl}${path}`;
}

async function getJson<T>(path: string, allow404 = false): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), {
      headers: { Accept: "application/json" },
      next: { revalidate: REVALIDATE_SECONDS },
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new ApiError(path, 0);
  }
  if (allow404 && response.status === 404) return null;
  if (!response.ok) throw new ApiError(path, response.status);
  return (await response.json()) as T;
}

export async function popularBooks(): Promise<PopularBook[]> {
  const body = await getJson<{ results: PopularBook[] }>("/api/recommendations/popular/");
  return body?.results ?? [];
}

export async function searchBooks(query: string, page = 1, pageSize = 20): Promise<BookPage> {
  const params = new URLSearchParams({ page: String(page), page_size: String(pageSize) });
  if (query) params.set("q", query);
  return (await getJson<BookPage>(`/api/catalog/books/?${params}`)) as BookPage;
}

export async function getBook(id: number): Promise<BookDetail | null> {
  return getJson<BookDetail>(`/api/catalog/books/${id}/`, true);
}
