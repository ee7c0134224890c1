// node >= 25
// Intl.Locale: tags, options, the -u- keywords, maximize/minimize (CLDR likely subtags
// through ICU), and a Locale given to the other Intl constructors.
function show(l) { return [l.toString(), l.baseName, l.language, l.script, l.region, l.calendar, l.collation, l.hourCycle, l.caseFirst, l.numeric, l.numberingSystem].map(String).join('|'); }
function tr(label, f) { try { console.log(label, f()); } catch (e) { console.log(label, e.name); } }
['en', 'en-US', 'EN-latn-us', 'zh-Hant-TW', 'zh-TW', 'sr-Cyrl', 'de-DE-u-co-phonebk-ca-gregory-kn', 'ja-JP-u-ca-japanese-hc-h23-nu-latn', 'en-US-x-private', 'de-1996', 'und', 'es-419', 'iw', 'en-US-u-kf-upper-kn-false', 'en-a-abc-u-ca-buddhist'].forEach(function (t) {
  tr(t, function () { var l = new Intl.Locale(t); return show(l) + ' max ' + l.maximize().toString() + ' min ' + l.minimize().toString(); });
});
tr('options', function () { return show(new Intl.Locale('en', { region: 'GB', script: 'Latn', calendar: 'islamic', hourCycle: 'h12', numeric: true, caseFirst: 'lower', numberingSystem: 'arab', collation: 'emoji' })); });
tr('opt-lang', function () { return show(new Intl.Locale('en-US-u-ca-gregory', { language: 'fr', numeric: false })); });
tr('bad-tag', function () { return new Intl.Locale('en_US').toString(); });
tr('bad-region', function () { return new Intl.Locale('en', { region: 'USA' }).toString(); });
tr('bad-hc', function () { return new Intl.Locale('en', { hourCycle: 'h25' }).toString(); });
tr('no-tag', function () { return new Intl.Locale().toString(); });
tr('num-tag', function () { return new Intl.Locale(5).toString(); });
tr('call', function () { return Intl.Locale('en'); });
tr('from-locale', function () { return new Intl.Locale(new Intl.Locale('en-US'), { region: 'CA' }).toString(); });
tr('in-list', function () { return Intl.getCanonicalLocales([new Intl.Locale('EN-us'), 'fr']).join(); });
tr('nf', function () { return new Intl.NumberFormat(new Intl.Locale('de-DE')).format(1234.5); });
tr('proto', function () { return Object.prototype.toString.call(new Intl.Locale('en')) + ' ' + Intl.Locale.length + ' ' + typeof Intl.Locale.prototype.maximize; });
tr('tostr-recv', function () { return Intl.Locale.prototype.toString.call({}); });
