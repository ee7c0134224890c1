// node >= 22 (Intl: resolvedOptions key order and option reading order of ES2024; the data is Debian 12's ICU 72, and these cases print the same with Node 22's ICU)
console.log((1234.5).toLocaleString(), (1234.5678).toLocaleString('de-DE'), (0.256).toLocaleString('en-US', { style: 'percent' }));
console.log(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1234.5));
console.log(new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY' }).format(1234.5));
console.log(new Intl.NumberFormat('en-IN').format(12345678.9));
console.log(new Intl.NumberFormat('en', { notation: 'compact' }).format(1234567), new Intl.NumberFormat('en', { notation: 'compact', compactDisplay: 'long' }).format(1234567));
console.log(new Intl.NumberFormat('en', { style: 'unit', unit: 'kilometer-per-hour' }).format(50));
console.log(new Intl.NumberFormat('en', { minimumFractionDigits: 2 }).format(1), new Intl.NumberFormat('en', { maximumSignificantDigits: 3 }).format(123456));
console.log(JSON.stringify(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).formatToParts(-1234.56)));
console.log(JSON.stringify(new Intl.NumberFormat().resolvedOptions()));
const d = new Date(Date.UTC(2024, 0, 15, 13, 5, 9));
console.log(d.toLocaleString('en-US', { timeZone: 'UTC' }), '|', d.toLocaleDateString('en-US', { timeZone: 'UTC' }), '|', d.toLocaleTimeString('en-US', { timeZone: 'UTC' }));
console.log(d.toLocaleDateString('de-DE', { timeZone: 'UTC', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }));
console.log(new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone: 'Asia/Tokyo' }).format(d));
console.log(new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hour12: false, timeZone: 'America/New_York' }).format(d));
console.log(JSON.stringify(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).formatToParts(d)));
console.log(JSON.stringify(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hour: 'numeric' }).resolvedOptions()));
console.log(['b', 'a', 'B', 'ä', 'z'].sort(new Intl.Collator('de').compare).join(), 'a'.localeCompare('B'), ['item10', 'item2'].sort(new Intl.Collator('en', { numeric: true }).compare).join());
console.log('a'.localeCompare('á', 'en', { sensitivity: 'base' }));
const pr = new Intl.PluralRules('en-US'); console.log(pr.select(0), pr.select(1), pr.select(2), new Intl.PluralRules('en-US', { type: 'ordinal' }).select(22), JSON.stringify(pr.resolvedOptions().pluralCategories));
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' }); console.log(rtf.format(-1, 'day'), rtf.format(2, 'weeks'), new Intl.RelativeTimeFormat('en').format(-3, 'month'));
console.log(new Intl.ListFormat('en', { style: 'long', type: 'conjunction' }).format(['a', 'b', 'c']), new Intl.ListFormat('en', { type: 'disjunction' }).format(['a', 'b']));
console.log(Intl.getCanonicalLocales(['EN-us', 'zh-hant-tw']), Intl.NumberFormat.supportedLocalesOf(['en-US', 'xx-YY']));
try { new Intl.NumberFormat('en_US'); } catch (e) { console.log(e.name, e.message); }
try { new Intl.NumberFormat('en', { style: 'currency' }); } catch (e) { console.log(e.name); }
try { new Intl.DateTimeFormat('en', { timeZone: 'Mars/Base' }); } catch (e) { console.log(e.name); }
console.log(Object.prototype.toString.call(Intl), Object.prototype.toString.call(new Intl.NumberFormat()), typeof Object.getOwnPropertyDescriptor(Intl.NumberFormat.prototype, "format").get);
const f = new Intl.NumberFormat('en').format; console.log([1, 22, 333333].map(f).join(' '));
console.log(new Date(NaN).toLocaleString(), (NaN).toLocaleString(), (-Infinity).toLocaleString());
// option validation and reading order
const log = [];
const opts = new Proxy({ style: 'currency', currency: 'usd', minimumFractionDigits: 1 }, { get(t, k) { log.push(String(k)); return t[k]; } });
console.log(new Intl.NumberFormat('en', opts).format(3), log.join());
for (const bad of [{ minimumFractionDigits: 5, maximumFractionDigits: 2 }, { style: 'bogus' }, { maximumSignificantDigits: 0 }, { currency: 'US' }, { unit: 'parsec', style: 'unit' }, { useGrouping: 'sometimes' }]) {
  try { new Intl.NumberFormat('en', bad); console.log('no error'); } catch (e) { console.log(e.name); }
}
console.log(new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(2.5), new Intl.NumberFormat('en', { maximumFractionDigits: 0 }).format(-2.5), new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(1.05));
console.log(new Intl.NumberFormat('en', { signDisplay: 'always' }).format(5), new Intl.NumberFormat('en', { signDisplay: 'exceptZero' }).format(0), new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', currencySign: 'accounting' }).format(-5));
console.log(new Intl.NumberFormat('en', { minimumIntegerDigits: 3, useGrouping: false }).format(5), new Intl.NumberFormat('en', { notation: 'scientific' }).format(123456), new Intl.NumberFormat('en', { notation: 'engineering' }).format(123456));
console.log(new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(1234.5).replace(/\s/g, '_'));
console.log(new Intl.NumberFormat('en', { style: 'unit', unit: 'liter', unitDisplay: 'long' }).format(2), new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', currencyDisplay: 'name' }).format(2));
console.log(JSON.stringify(new Intl.NumberFormat('en').formatToParts(NaN)), JSON.stringify(new Intl.NumberFormat('en', { notation: 'compact' }).formatToParts(12345)));
// dates
const t = Date.UTC(2021, 11, 31, 23, 59, 59, 123);
for (const o of [{}, { dateStyle: 'medium' }, { timeStyle: 'short' }, { month: 'short', day: 'numeric' }, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }, { weekday: 'short' }, { year: '2-digit', month: '2-digit', day: '2-digit' }, { hour: 'numeric', fractionalSecondDigits: 3, second: 'numeric', minute: 'numeric' }, { era: 'short', year: 'numeric' }, { timeZoneName: 'short', hour: 'numeric' }]) {
  console.log(JSON.stringify(o), new Intl.DateTimeFormat('en-US', Object.assign({ timeZone: 'UTC' }, o)).format(t), '|', new Intl.DateTimeFormat('ja-JP', Object.assign({ timeZone: 'Asia/Tokyo' }, o)).format(t));
}
console.log(new Date(t).toLocaleString('en-US', { timeZone: 'America/Los_Angeles' }), new Date(t).toLocaleDateString('en-GB', { timeZone: 'Europe/London' }), new Date(t).toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris' }));
console.log(JSON.stringify(new Intl.DateTimeFormat('en-US', { timeZone: 'utc', dateStyle: 'short', timeStyle: 'short' }).resolvedOptions()));
console.log(new Intl.DateTimeFormat('en-US', { timeZone: 'asia/kolkata' }).resolvedOptions().timeZone, new Intl.DateTimeFormat('en', { timeZone: 'UTC', year: 'numeric' }).format(-62198755200000));
for (const bad of [[{ dateStyle: 'short', hour: 'numeric' }], [{ timeZone: 'Nowhere/City' }], [{ hourCycle: 'h25' }], [{ fractionalSecondDigits: 4 }]]) {
  try { new Intl.DateTimeFormat('en', bad[0]); console.log('no error'); } catch (e) { console.log(e.name); }
}
try { new Intl.DateTimeFormat('en', { timeZone: 'UTC' }).format(NaN); } catch (e) { console.log(e.name); }
try { new Date(0).toLocaleDateString('en', { timeStyle: 'short' }); } catch (e) { console.log(e.name); }
// collation, plurals, relative time, lists
console.log(['résumé', 'resume', 'Resume', 'rèsumé'].sort(new Intl.Collator('en').compare).join(), ['résumé', 'resume', 'Resume'].sort(new Intl.Collator('en', { sensitivity: 'base' }).compare).join());
console.log(new Intl.Collator('en', { sensitivity: 'base' }).compare('a', 'A'), new Intl.Collator('en', { sensitivity: 'accent' }).compare('a', 'á'), new Intl.Collator('en', { caseFirst: 'upper' }).compare('a', 'A'), new Intl.Collator('sv').compare('ä', 'z'), new Intl.Collator('de').compare('ä', 'z'));
console.log(JSON.stringify(new Intl.Collator('en', { numeric: true }).resolvedOptions()));
console.log([0, 1, 2, 3, 4, 11, 21, 101].map((n) => new Intl.PluralRules('en', { type: 'ordinal' }).select(n)).join(), [0, 1, 2, 5].map((n) => new Intl.PluralRules('ru').select(n)).join(), [0, 1, 2, 3].map((n) => new Intl.PluralRules('ar').select(n)).join());
console.log(new Intl.PluralRules('en', { minimumFractionDigits: 1 }).select(1), new Intl.PluralRules('en').select(1.0));
console.log(['second', 'minutes', 'hour', 'days', 'week', 'month', 'quarter', 'years'].map((u) => new Intl.RelativeTimeFormat('en', { style: 'short' }).format(-2, u)).join('; '));
console.log(new Intl.RelativeTimeFormat('es', { numeric: 'auto' }).format(1, 'day'), new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(0, 'year'));
try { new Intl.RelativeTimeFormat('en').format(1, 'decade'); } catch (e) { console.log(e.name); }
console.log(new Intl.ListFormat('de').format(['A', 'B', 'C']), new Intl.ListFormat('en', { style: 'short', type: 'unit' }).format(['1', '2', '3']), new Intl.ListFormat('en').format(new Set(['x'])), new Intl.ListFormat('en').format([]));
try { new Intl.ListFormat('en').format(['a', 1]); } catch (e) { console.log(e.name); }
try { Intl.PluralRules('en'); } catch (e) { console.log(e.name); }
console.log(Intl.NumberFormat('en').format(1e21), Intl.DateTimeFormat('en', { timeZone: 'UTC' }).format(0), typeof Intl.Collator().compare);
console.log('ä'.localeCompare('z', 'sv'), 'ä'.localeCompare('z', 'de'), ['b', 'A', 'a', 'B'].sort((x, y) => x.localeCompare(y)).join());
console.log((123456.789).toLocaleString('en-US', { maximumFractionDigits: 1 }), (0.5).toLocaleString(undefined, { style: 'percent' }), (5).toLocaleString('ar-EG'));
class MyNF extends Intl.NumberFormat { constructor() { super('en', { style: 'percent' }); } }
console.log(new MyNF().format(0.5), new MyNF() instanceof Intl.NumberFormat);
console.log(Intl.NumberFormat.length, Intl.DateTimeFormat.name, Intl.Collator.prototype.constructor === Intl.Collator, Object.keys(Intl).length, Intl.getCanonicalLocales.length);
for (const m of ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand', 'halfTrunc', 'halfEven'])
  console.log(m, [2.5, -2.5, 1.15, -1.15, 3.5].map((x) => new Intl.NumberFormat('en', { maximumFractionDigits: x % 1 === 0.5 || x % 1 === -0.5 ? 0 : 1, roundingMode: m }).format(x)).join(' '));
console.log(new Intl.NumberFormat('en', { minimumFractionDigits: 2, trailingZeroDisplay: 'stripIfInteger' }).format(5), new Intl.NumberFormat('en', { minimumFractionDigits: 2, trailingZeroDisplay: 'stripIfInteger' }).format(5.1));
console.log(new Intl.NumberFormat('en', { maximumFractionDigits: 2, maximumSignificantDigits: 2, roundingPriority: 'morePrecision' }).format(1.23456), new Intl.NumberFormat('en', { maximumFractionDigits: 2, maximumSignificantDigits: 2, roundingPriority: 'lessPrecision' }).format(1.23456));
console.log(new Intl.NumberFormat('en', { maximumFractionDigits: 0, maximumSignificantDigits: 3, roundingPriority: 'morePrecision' }).format(1.23456), JSON.stringify(new Intl.NumberFormat('en', { roundingPriority: 'lessPrecision' }).resolvedOptions()));
try { new Intl.NumberFormat('en', { roundingIncrement: 3 }); } catch (e) { console.log(e.name); }
console.log(JSON.stringify(new Intl.PluralRules('en').resolvedOptions()));
console.log(JSON.stringify(new Intl.NumberFormat("en",{minimumFractionDigits:100}).formatToParts(1e300)).length)
console.log(new Intl.RelativeTimeFormat("en").format(1e300, "year").length, new Intl.RelativeTimeFormat("en").format(-1e21, "day").slice(0, 20))
