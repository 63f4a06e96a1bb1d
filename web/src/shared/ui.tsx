// Small pieces both front ends share: the language switch and a hook that re-renders on
// a language change.
import { useEffect, useState } from 'preact/hooks';
import { currentLang, LANGS, onLangChange, setLang, t, type Lang } from './i18n';

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [lang, set] = useState(currentLang());
  useEffect(() => onLangChange(() => set(currentLang())), []);
  return lang;
}

export function LangSwitch() {
  const lang = useLang();
  return (
    <select
      class="lang"
      aria-label={t('language')}
      data-testid="lang"
      value={lang}
      onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}
    >
      {LANGS.map((l) => (
        <option value={l}>{l === 'zh-CN' ? '中文' : 'English'}</option>
      ))}
    </select>
  );
}
