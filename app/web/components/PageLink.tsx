import Link from "next/link";
import type { ComponentProps } from "react";

/**
 * next/link without prefetching: readers pay for their mobile data, and on a slow phone each
 * prefetched page is also parsing work competing with the page they are reading. Navigation
 * stays client-side. https://nextjs.org/docs/app/api-reference/components/link#prefetch
 */
export function PageLink(props: ComponentProps<typeof Link>) {
  return <Link prefetch={false} {...props} />;
}
