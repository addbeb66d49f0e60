// Each page's main heading. After a navigation inside the app the focus moves to it, so that
// keyboard and screen-reader users learn that the page changed and start reading from its top
// (a single-page app gives them no page load to notice).
import { type ReactNode, useEffect, useRef } from 'react'
import { useLocation } from 'wouter'

/** Where the last heading was shown; none yet on the first page, which keeps its own focus. */
let shownAt: string | undefined

export function PageHeading({ children }: { children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null)
  const [location] = useLocation()
  // Also when the location changes under a page that stays (from one person to another), and
  // when a page's heading shows only once its data has come.
  useEffect(() => {
    if (shownAt !== undefined && shownAt !== location) heading.current?.focus()
    shownAt = location
  }, [location])
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  )
}
