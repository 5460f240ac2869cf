import { Link, type LinkProps } from '@mui/material';
import type { ReactNode } from 'react';
import { safeHref } from './safeHref';

export interface SafeLinkProps extends Omit<LinkProps, 'href' | 'children'> {
  /** A URL from data (an entity, a task's output, a vendor's API); only http(s), mailto and relative ones become links. */
  url: unknown;
  children: ReactNode;
  /** Opens in a new tab, without giving the page a handle on this one. */
  external?: boolean;
}

/** A link for a URL that came from data: a URL with any other scheme (`javascript:`, `data:`) is plain text. */
export function SafeLink({ url, children, external, ...props }: SafeLinkProps) {
  const href = safeHref(url);
  if (href === undefined) return <>{children}</>;
  return (
    <Link href={href} {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})} {...props}>
      {children}
    </Link>
  );
}
