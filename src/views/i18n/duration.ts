/**
 * Human durations for messages ("14 minutes", "1 hour and 5 minutes", "30 seconds") in any catalogue's language,
 * through the runtime's Intl (Node ships full ICU; the browser's countdown in /assets/focus.js uses the same rules):
 * - under a minute: whole seconds; under an hour: minutes rounded up (never tell someone to come back too early);
 * - otherwise hours and minutes (rounded up), joined as the language joins a list of units.
 * Formatters are created once per language and unit.
 */
const formatters = new Map<string, Intl.NumberFormat>();

function unit(lang: string, u: 'second' | 'minute' | 'hour', n: number): string {
  const key = `${lang}:${u}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(lang, { style: 'unit', unit: u, unitDisplay: 'long' });
    formatters.set(key, f);
  }
  return f.format(n);
}

export function formatDuration(lang: string, seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return unit(lang, 'second', s);
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return unit(lang, 'minute', minutes);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (m === 0) return unit(lang, 'hour', h);
  return new Intl.ListFormat(lang, { type: 'conjunction', style: 'long' }).format([unit(lang, 'hour', h), unit(lang, 'minute', m)]);
}
