import { useEffect, useState, type RefObject } from 'react'

/** Whether an element is on screen and the page is shown (IntersectionObserver + visibility). */
export function useVisible(ref: RefObject<Element | null>): boolean {
  const [intersecting, setIntersecting] = useState(false)
  const [pageShown, setPageShown] = useState(() => document.visibilityState === 'visible')

  useEffect(() => {
    const element = ref.current
    if (element === null) return
    const observer = new IntersectionObserver((entries) => {
      const entry = entries[entries.length - 1]
      if (entry !== undefined) setIntersecting(entry.isIntersecting)
    })
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])

  useEffect(() => {
    const onChange = () => setPageShown(document.visibilityState === 'visible')
    document.addEventListener('visibilitychange', onChange)
    return () => document.removeEventListener('visibilitychange', onChange)
  }, [])

  return intersecting && pageShown
}
