// node >= 22 (Intl.DisplayNames as V8 answers it; Node 20 agrees on these)
const r = new Intl.DisplayNames(['en'], { type: 'region' });
console.log(r.of('US'), r.of('DE'), r.of('419'), r.of('XX'), new Intl.DisplayNames('de', { type: 'region' }).of('JP'));
const l = new Intl.DisplayNames('en', { type: 'language' });
console.log(l.of('fr'), l.of('en-GB'), l.of('zh-Hant'), l.of('pt-BR'), new Intl.DisplayNames('en', { type: 'language', languageDisplay: 'standard' }).of('en-GB'));
console.log(new Intl.DisplayNames('en', { type: 'script' }).of('Latn'), new Intl.DisplayNames('en', { type: 'currency' }).of('EUR'), new Intl.DisplayNames('ja', { type: 'currency' }).of('USD'));
console.log(new Intl.DisplayNames('en', { type: 'region', style: 'short' }).of('US'), new Intl.DisplayNames('en', { type: 'region', style: 'narrow' }).of('GB'));
console.log(new Intl.DisplayNames('en', { type: 'region', fallback: 'none' }).of('ZZ'), new Intl.DisplayNames('en', { type: 'region', fallback: 'code' }).of('ZZ'), new Intl.DisplayNames('en', { type: 'region' }).of('AA'));
console.log(JSON.stringify(new Intl.DisplayNames('en', { type: 'region' }).resolvedOptions()));
for (const [what, f] of [['no type', () => new Intl.DisplayNames('en')], ['bad type', () => new Intl.DisplayNames('en', { type: 'x' })], ['bad region', () => r.of('1')], ['bad lang', () => l.of('a')], ['bad currency', () => new Intl.DisplayNames('en', { type: 'currency' }).of('EURO')], ['no new', () => Intl.DisplayNames('en', { type: 'region' })], ['bad script', () => new Intl.DisplayNames('en', { type: 'script' }).of('Lat')]]) {
  try { console.log(what, f()); } catch (e) { console.log(what, e.name); }
}
console.log(new Intl.DisplayNames('en', { type: 'calendar' }).of('gregory'), new Intl.DisplayNames('en', { type: 'dateTimeField' }).of('year'));
console.log(['era', 'year', 'quarter', 'month', 'weekOfYear', 'weekday', 'day', 'dayPeriod', 'hour', 'minute', 'second', 'timeZoneName'].map((f) => new Intl.DisplayNames('en', { type: 'dateTimeField', style: 'short' }).of(f)).join('|'));
console.log(new Intl.DisplayNames('en', { type: 'calendar' }).of('japanese'), new Intl.DisplayNames('en', { type: 'language' }).of('sr-Latn-RS'), new Intl.DisplayNames('fr', { type: 'region' }).of('us'), new Intl.DisplayNames('en', { type: 'script' }).of('cyrl'));
console.log(new Intl.DisplayNames('en', { type: 'currency', style: 'short' }).of('usd'), new Intl.DisplayNames('en', { type: 'currency', fallback: 'none' }).of('XYZ'), new Intl.DisplayNames('en', { type: 'currency' }).of('XYZ'));
const country = 'CA'; console.log(`Hello, visitor from ${new Intl.DisplayNames(['en'], { type: 'region' }).of(country)}!`);
console.log(Intl.DisplayNames.length, Object.prototype.toString.call(new Intl.DisplayNames('en', { type: 'region' })));
for (const st of ['long', 'short', 'narrow']) console.log(st, new Intl.DisplayNames('en', { type: 'currency', style: st }).of('USD'), new Intl.DisplayNames('en', { type: 'currency', style: st }).of('usd'), new Intl.DisplayNames('en', { type: 'region', style: st }).of('us'), new Intl.DisplayNames('en', { type: 'region', style: st }).of('GB'), new Intl.DisplayNames('en', { type: 'script', style: st }).of('cyrl'), new Intl.DisplayNames('en', { type: 'language', style: st }).of('EN-us'));
