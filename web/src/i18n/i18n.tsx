// The language of the interface: Vietnamese unless the user chose English (remembered).
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react'
import { type Lang, MESSAGES, type MessageKey } from './messages.ts'

const STORAGE = 'coso.lang'

interface I18n {
  lang: Lang
  t: (key: MessageKey) => string
  toggle: () => void
}

const Context = createContext<I18n | null>(null)

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem(STORAGE) === 'en' ? 'en' : 'vi'))
  const toggle = useCallback(() => {
    setLang((current) => {
      const next = current === 'vi' ? 'en' : 'vi'
      localStorage.setItem(STORAGE, next)
      return next
    })
  }, [])
  // Screen readers pick their voice from it: it must follow the choice from the first render on.
  useEffect(() => {
    document.documentElement.lang = lang
  }, [lang])
  const value = useMemo(() => ({ lang, t: (key: MessageKey) => MESSAGES[lang][key], toggle }), [lang, toggle])
  return <Context.Provider value={value}>{children}</Context.Provider>
}

export function useI18n(): I18n {
  const value = useContext(Context)
  if (!value) throw new Error('useI18n outside I18nProvider')
  return value
}
