/* ECMA-402 (https://tc39.es/ecma402/) in ES5 for the sandbox, over ICU (lib/js/intl.c). The
 * file is one function expression that receives `N`, the natives of intl.c, and returns the
 * Intl object and the functions behind Number.prototype.toLocaleString,
 * Date.prototype.toLocale*String and String.prototype.localeCompare. Compiled once per
 * process and loaded into a heap the first time a script needs it (lib/js/embedded.c).
 *
 * It loads after scripts have run and may have replaced globals and built-in methods. It
 * reads no global; conversions are the language's own operators and natives come from N.
 * The few string and array methods it calls only ever see strings and arrays of strings,
 * never its records, so a script that replaced them can at worst break its own formatting.
 * Internal slots live on a record under the hidden key N.K, which scripts cannot name.
 *
 * Supported: Intl.getCanonicalLocales, Locale, and NumberFormat, DateTimeFormat, Collator,
 * PluralRules, RelativeTimeFormat and ListFormat with their main options (docs/javascript.md
 * lists what is not). The Gregorian calendar and Latin digits only; Unicode extension keys
 * in locale tags are accepted and left out of the resolved locale. */
(function (N) {
'use strict';

var K = N.K;
var undef;
var DEFAULT_LOCALE = 'en-US';

function TypeErr(m) { return N.typeError(m); }
function RangeErr(m) { return N.rangeError(m); }
function isObject(x) { return (typeof x === 'object' && x !== null) || typeof x === 'function'; }
function toStr(x) {
  if (typeof x === 'symbol') throw TypeErr('Cannot convert a Symbol value to a string');
  return '' + x;
}
function trunc(x) { return x < 0 ? -(-x - (-x % 1)) : x - (x % 1); }
function indexOf(list, v) {
  for (var i = 0; i < list.length; i++) if (list[i] === v) return i;
  return -1;
}
function slots(o, brand, method) {
  var s = isObject(o) ? o[K] : undef;
  if (!s || s.brand !== brand)
    throw TypeErr('Method Intl.' + brand + '.prototype.' + method +
                  ' called on incompatible receiver ' + (isObject(o) ? '#<Object>' : toStr(o)));
  return s;
}

/* ---- locales ---- */

/* CanonicalizeLocaleList */
function canonicalizeLocaleList(locales) {
  var seen = [];
  if (locales === undef) return seen;
  var O;
  if (typeof locales === 'string' || (isObject(locales) && locales[K] && locales[K].brand === 'Locale')) {
    O = [locales];
  } else {
    if (locales === null) throw TypeErr('Cannot convert undefined or null to object');
    O = isObject(locales) ? locales : {};
  }
  var len = O.length;
  len = len === undef ? 0 : trunc(+len);
  if (!(len > 0)) len = 0;
  for (var k = 0; k < len; k++) {
    if (!(k in O)) continue;
    var kValue = O[k];
    if (typeof kValue !== 'string' && !isObject(kValue))
      throw TypeErr('Language ID should be string or object.');
    var tag = N.canonicalize(toStr(kValue));
    if (indexOf(seen, tag) < 0) seen[seen.length] = tag;
  }
  return seen;
}

/* The tag without its Unicode extension ("-u-..." up to the next singleton). */
function withoutExtensions(tag) {
  var parts = tag.split('-'), out = [], skip = false;
  for (var i = 0; i < parts.length; i++) {
    var p = parts[i];
    if (p.length === 1) {
      if (p === 'x') { for (; i < parts.length; i++) out[out.length] = parts[i]; break; }
      skip = p === 'u' || p === 't';
      if (skip) continue;
    }
    if (!skip) out[out.length] = p;
  }
  return out.join('-');
}

/* LookupMatcher (best fit is the same here): the first requested locale ICU has data for,
 * else the default. */
function resolveLocale(requested) {
  for (var i = 0; i < requested.length; i++) {
    var found = N.bestAvailable(withoutExtensions(requested[i]));
    if (found !== undef) return found;
  }
  return DEFAULT_LOCALE;
}

function supportedLocales(locales, options) {
  var requested = canonicalizeLocaleList(locales);
  if (options !== undef) {
    if (options === null) throw TypeErr('Cannot convert undefined or null to object');
    getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  }
  var out = [];
  for (var i = 0; i < requested.length; i++)
    if (N.bestAvailable(withoutExtensions(requested[i])) !== undef) out[out.length] = requested[i];
  return out;
}

/* ---- options ---- */

function coerceOptions(options) {
  if (options === undef) return {};
  if (options === null) throw TypeErr('Cannot convert undefined or null to object');
  return isObject(options) ? options : {};
}

/* GetOption for strings (values: the allowed ones, or undefined for any) */
function getOption(options, prop, values, fallback) {
  var v = options[prop];
  if (v === undef) return fallback;
  v = toStr(v);
  if (values && indexOf(values, v) < 0)
    throw RangeErr('Value ' + v + ' out of range for Intl options property ' + prop);
  return v;
}

function getBoolOption(options, prop, fallback) {
  var v = options[prop];
  return v === undef ? fallback : !!v;
}

/* DefaultNumberOption / GetNumberOption */
function defaultNumberOption(v, min, max, fallback, prop) {
  if (v === undef) return fallback;
  v = +v;
  if (v !== v || v < min || v > max) throw RangeErr(prop + ' value is out of range.');
  return v - (v % 1);
}
function getNumberOption(options, prop, min, max, fallback) {
  return defaultNumberOption(options[prop], min, max, fallback, prop);
}

/* ---- NumberFormat ---- */

var NF_STYLES = ['decimal', 'percent', 'currency', 'unit'];
var SIMPLE_UNITS = ['acre', 'bit', 'byte', 'celsius', 'centimeter', 'day', 'degree',
  'fahrenheit', 'fluid-ounce', 'foot', 'gallon', 'gigabit', 'gigabyte', 'gram', 'hectare',
  'hour', 'inch', 'kilobit', 'kilobyte', 'kilogram', 'kilometer', 'liter', 'megabit',
  'megabyte', 'meter', 'microsecond', 'mile', 'mile-scandinavian', 'milliliter',
  'millimeter', 'millisecond', 'minute', 'month', 'nanosecond', 'ounce', 'percent',
  'petabyte', 'pound', 'second', 'stone', 'terabit', 'terabyte', 'week', 'yard', 'year'];

function isWellFormedUnit(u) {
  if (indexOf(SIMPLE_UNITS, u) >= 0) return true;
  var i = u.indexOf('-per-');
  return i > 0 && indexOf(SIMPLE_UNITS, u.substring(0, i)) >= 0 &&
         indexOf(SIMPLE_UNITS, u.substring(i + 5)) >= 0;
}

function isWellFormedCurrency(c) {
  if (c.length !== 3) return false;
  for (var i = 0; i < 3; i++) {
    var ch = c.charCodeAt(i) | 32;
    if (ch < 97 || ch > 122) return false;
  }
  return true;
}

var LOWER = 'abcdefghijklmnopqrstuvwxyz', UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
function upper(s) {
  var out = '';
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    out += (c >= 97 && c <= 122) ? UPPER.charAt(c - 97) : s.charAt(i);
  }
  return out;
}

/* type: (3*8alphanum) *("-" (3*8alphanum)), as calendar, collation and numberingSystem
 * values must be */
function isTypeSequence(v) {
  var run = 0;
  for (var i = 0; i <= v.length; i++) {
    var c = i < v.length ? v.charCodeAt(i) | 32 : 45;
    if (c === 45) {
      if (run < 3 || run > 8) return false;
      run = 0;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57 && v.charCodeAt(i) <= 57)) {
      run++;
    } else {
      return false;
    }
  }
  return true;
}

var ROUNDING_MODES = ['ceil', 'floor', 'expand', 'trunc', 'halfCeil', 'halfFloor', 'halfExpand',
  'halfTrunc', 'halfEven'];
var ICU_ROUNDING = { ceil: 'ceiling', floor: 'floor', expand: 'up', trunc: 'down',
  halfCeil: 'half-ceiling', halfFloor: 'half-floor', halfExpand: 'half-up',
  halfTrunc: 'half-down', halfEven: 'half-even' };

/* SetNumberFormatDigitOptions (a rounding increment other than 1 is refused) */
function setDigitOptions(r, options, mnfdDefault, mxfdDefault, notation) {
  var mnid = getNumberOption(options, 'minimumIntegerDigits', 1, 21, 1);
  var mnfd = options.minimumFractionDigits;
  var mxfd = options.maximumFractionDigits;
  var mnsd = options.minimumSignificantDigits;
  var mxsd = options.maximumSignificantDigits;
  r.minimumIntegerDigits = mnid;
  var increment = getNumberOption(options, 'roundingIncrement', 1, 5000, 1);
  if (increment !== 1)
    throw RangeErr('Intl.NumberFormat: roundingIncrement ' + increment + ' is not supported here');
  r.roundingIncrement = 1;
  r.roundingMode = getOption(options, 'roundingMode', ROUNDING_MODES, 'halfExpand');
  var priority = getOption(options, 'roundingPriority', ['auto', 'morePrecision', 'lessPrecision'], 'auto');
  r.roundingPriority = priority;
  r.trailingZeroDisplay = getOption(options, 'trailingZeroDisplay', ['auto', 'stripIfInteger'], 'auto');
  var hasSd = mnsd !== undef || mxsd !== undef;
  var hasFd = mnfd !== undef || mxfd !== undef;
  var needSd = true, needFd = true;
  if (priority === 'auto') {
    needSd = hasSd;
    if (needSd || (!hasFd && notation === 'compact')) needFd = false;
  }
  if (needSd) {
    if (hasSd) {
      mnsd = defaultNumberOption(mnsd, 1, 21, 1, 'minimumSignificantDigits');
      mxsd = defaultNumberOption(mxsd, mnsd, 21, 21, 'maximumSignificantDigits');
    } else {
      mnsd = 1;
      mxsd = 21;
    }
    r.minimumSignificantDigits = mnsd;
    r.maximumSignificantDigits = mxsd;
  }
  if (needFd) {
    if (hasFd) {
      mnfd = defaultNumberOption(mnfd, 0, 100, undef, 'minimumFractionDigits');
      mxfd = defaultNumberOption(mxfd, 0, 100, undef, 'maximumFractionDigits');
      if (mnfd === undef) mnfd = mnfdDefault < mxfd ? mnfdDefault : mxfd;
      else if (mxfd === undef) mxfd = mxfdDefault > mnfd ? mxfdDefault : mnfd;
      else if (mnfd > mxfd) throw RangeErr('maximumFractionDigits value is out of range.');
    } else {
      mnfd = mnfdDefault;
      mxfd = mxfdDefault;
    }
    r.minimumFractionDigits = mnfd;
    r.maximumFractionDigits = mxfd;
  }
}

function repeat(c, n) { var s = ''; while (n-- > 0) s += c; return s; }

/* The ICU number skeleton for a resolved record. */
function numberSkeleton(r) {
  var s = [];
  if (r.style === 'percent') s[s.length] = 'percent scale/100';
  else if (r.style === 'currency') {
    s[s.length] = 'currency/' + r.currency;
    s[s.length] = r.currencyDisplay === 'code' ? 'unit-width-iso-code'
      : r.currencyDisplay === 'name' ? 'unit-width-full-name'
      : r.currencyDisplay === 'narrowSymbol' ? 'unit-width-narrow' : 'unit-width-short';
  } else if (r.style === 'unit') {
    s[s.length] = 'unit/' + r.unit;
    s[s.length] = r.unitDisplay === 'long' ? 'unit-width-full-name'
      : r.unitDisplay === 'narrow' ? 'unit-width-narrow' : 'unit-width-short';
  }
  if (r.minimumIntegerDigits > 1) s[s.length] = 'integer-width/*' + repeat('0', r.minimumIntegerDigits);
  var sd = r.minimumSignificantDigits !== undef
    ? repeat('@', r.minimumSignificantDigits) + repeat('#', r.maximumSignificantDigits - r.minimumSignificantDigits)
    : '';
  var fd = r.minimumFractionDigits !== undef
    ? (r.maximumFractionDigits === 0 && !sd ? 'precision-integer'
       : '.' + repeat('0', r.minimumFractionDigits) + repeat('#', r.maximumFractionDigits - r.minimumFractionDigits))
    : '';
  var strip = r.trailingZeroDisplay === 'stripIfInteger' ? '/w' : '';
  if (sd && fd)
    s[s.length] = (fd === '.' ? '.' : fd) + '/' + sd + (r.roundingPriority === 'morePrecision' ? 'r' : 's') + strip;
  else if (sd || fd) s[s.length] = (sd || fd) + strip;
  s[s.length] = 'rounding-mode-' + ICU_ROUNDING[r.roundingMode];
  if (r.notation === 'scientific') s[s.length] = 'scientific';
  else if (r.notation === 'engineering') s[s.length] = 'engineering';
  else if (r.notation === 'compact') s[s.length] = r.compactDisplay === 'long' ? 'compact-long' : 'compact-short';
  if (r.useGrouping === false) s[s.length] = 'group-off';
  else if (r.useGrouping === 'always') s[s.length] = 'group-on-aligned';
  else if (r.useGrouping === 'min2') s[s.length] = 'group-min2';
  var acc = r.currencySign === 'accounting';
  var sd = r.signDisplay;
  if (sd === 'never') s[s.length] = 'sign-never';
  else if (sd === 'always') s[s.length] = acc ? 'sign-accounting-always' : 'sign-always';
  else if (sd === 'exceptZero') s[s.length] = acc ? 'sign-accounting-except-zero' : 'sign-except-zero';
  else if (sd === 'negative') s[s.length] = acc ? 'sign-accounting-negative' : 'sign-negative';
  else if (acc) s[s.length] = 'sign-accounting';
  return s.join(' ');
}

function initNumberFormat(nf, locales, options) {
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'NumberFormat' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  var ns = getOption(options, 'numberingSystem', undef, undef);
  if (ns !== undef && !isTypeSequence(ns))
    throw RangeErr('Invalid numberingSystem : ' + ns);
  r.locale = resolveLocale(requested);
  r.numberingSystem = 'latn';
  var style = getOption(options, 'style', NF_STYLES, 'decimal');
  r.style = style;
  var currency = getOption(options, 'currency', undef, undef);
  if (currency !== undef && !isWellFormedCurrency(currency)) throw RangeErr('Invalid currency code : ' + currency);
  var currencyDisplay = getOption(options, 'currencyDisplay', ['code', 'symbol', 'narrowSymbol', 'name'], 'symbol');
  var currencySign = getOption(options, 'currencySign', ['standard', 'accounting'], 'standard');
  var unit = getOption(options, 'unit', undef, undef);
  if (unit !== undef && !isWellFormedUnit(unit)) throw RangeErr('Invalid unit argument for Intl.NumberFormat() \'' + unit + '\'');
  var unitDisplay = getOption(options, 'unitDisplay', ['short', 'narrow', 'long'], 'short');
  if (style === 'currency') {
    if (currency === undef) throw TypeErr('Currency code is required with currency style.');
    r.currency = upper(currency);
    r.currencyDisplay = currencyDisplay;
    r.currencySign = currencySign;
  }
  if (style === 'unit') {
    if (unit === undef) throw TypeErr('Unit is required with unit style.');
    r.unit = unit;
    r.unitDisplay = unitDisplay;
  }
  var notation = getOption(options, 'notation', ['standard', 'scientific', 'engineering', 'compact'], 'standard');
  r.notation = notation;
  var mnfdDefault, mxfdDefault;
  if (style === 'currency' && notation === 'standard') {
    mnfdDefault = mxfdDefault = N.currencyDigits(r.currency);
  } else {
    mnfdDefault = 0;
    mxfdDefault = style === 'percent' ? 0 : 3;
  }
  setDigitOptions(r, options, mnfdDefault, mxfdDefault, notation);
  var compactDisplay = getOption(options, 'compactDisplay', ['short', 'long'], 'short');
  if (notation === 'compact') r.compactDisplay = compactDisplay;
  var ug = options.useGrouping;
  var ugDefault = notation === 'compact' ? 'min2' : 'auto';
  if (ug === undef) ug = ugDefault;
  else if (ug === true) ug = 'always';
  else if (ug === false || ug === null || ug === 0 || ug === '') ug = false;
  else {
    ug = toStr(ug);
    if (ug === 'true' || ug === 'false') ug = ugDefault;
    else if (indexOf(['min2', 'auto', 'always'], ug) < 0)
      throw RangeErr('Value ' + ug + ' out of range for Intl.NumberFormat options property useGrouping');
  }
  r.useGrouping = ug;
  r.signDisplay = getOption(options, 'signDisplay', ['auto', 'never', 'always', 'exceptZero', 'negative'], 'auto');
  r.handle = N.nf(r.locale, numberSkeleton(r));
  nf[K] = r;
  return nf;
}

function NumberFormat(locales, options) {
  var self = this instanceof NumberFormat && !(this[K]) ? this : new NumberFormat(K, K);
  if (locales === K && options === K) return self;
  return initNumberFormat(self, locales, options);
}

function toNumeric(x) {
  if (typeof x === 'bigint') throw TypeErr('BigInt is not supported');
  return +x;
}

function nfFormat(r, x) { return N.nfFormat(r.handle, toNumeric(x), false); }

function partsFrom(pairs) {
  var out = [];
  for (var i = 0; i < pairs.length; i++) out[i] = { type: pairs[i][0], value: pairs[i][1] };
  return out;
}

function numberResolved() {
  var r = slots(this, 'NumberFormat', 'resolvedOptions');
  var keys = ['locale', 'numberingSystem', 'style', 'currency', 'currencyDisplay',
    'currencySign', 'unit', 'unitDisplay', 'minimumIntegerDigits', 'minimumFractionDigits',
    'maximumFractionDigits', 'minimumSignificantDigits', 'maximumSignificantDigits',
    'useGrouping', 'notation', 'compactDisplay', 'signDisplay', 'roundingIncrement',
    'roundingMode', 'roundingPriority', 'trailingZeroDisplay'];
  var out = {};
  for (var i = 0; i < keys.length; i++)
    if (r[keys[i]] !== undef) out[keys[i]] = r[keys[i]];
  return out;
}

/* ---- DateTimeFormat ---- */

var DT_FIELDS = [
  ['weekday', ['narrow', 'short', 'long'], { narrow: 'EEEEE', short: 'EEE', long: 'EEEE' }],
  ['era', ['narrow', 'short', 'long'], { narrow: 'GGGGG', short: 'G', long: 'GGGG' }],
  ['year', ['2-digit', 'numeric'], { '2-digit': 'yy', numeric: 'y' }],
  ['month', ['2-digit', 'numeric', 'narrow', 'short', 'long'],
    { '2-digit': 'MM', numeric: 'M', narrow: 'MMMMM', short: 'MMM', long: 'MMMM' }],
  ['day', ['2-digit', 'numeric'], { '2-digit': 'dd', numeric: 'd' }],
  ['dayPeriod', ['narrow', 'short', 'long'], { narrow: 'BBBBB', short: 'B', long: 'BBBB' }],
  ['hour', ['2-digit', 'numeric'], { '2-digit': 'jj', numeric: 'j' }],
  ['minute', ['2-digit', 'numeric'], { '2-digit': 'mm', numeric: 'm' }],
  ['second', ['2-digit', 'numeric'], { '2-digit': 'ss', numeric: 's' }],
  ['fractionalSecondDigits', null, null],
  ['timeZoneName', ['short', 'long', 'shortOffset', 'longOffset', 'shortGeneric', 'longGeneric'],
    { short: 'z', long: 'zzzz', shortOffset: 'O', longOffset: 'OOOO', shortGeneric: 'v', longGeneric: 'vvvv' }]
];

/* kind: 0 any/all (toLocaleString), 1 date/date, 2 time/time; the constructor: any/date */
function initDateTimeFormat(dtf, locales, options, required, defaults) {
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'DateTimeFormat' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  var cal = getOption(options, 'calendar', undef, undef);
  if (cal !== undef && !isTypeSequence(cal))
    throw RangeErr('Invalid calendar : ' + cal);
  var ns = getOption(options, 'numberingSystem', undef, undef);
  if (ns !== undef && !isTypeSequence(ns))
    throw RangeErr('Invalid numberingSystem : ' + ns);
  var hour12 = options.hour12;
  var hourCycle = getOption(options, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undef);
  if (hour12 !== undef) { hour12 = !!hour12; hourCycle = null; }
  var tz = options.timeZone;
  if (tz === undef) tz = N.defaultTimeZone();
  else {
    tz = toStr(tz);
    var canon = N.canonicalTimeZone(tz);
    if (canon === undef) throw RangeErr('Invalid time zone specified: ' + tz);
    tz = canon;
  }
  r.locale = resolveLocale(requested);
  r.calendar = 'gregory';
  r.numberingSystem = 'latn';
  r.timeZone = tz;
  var skeleton = '', hasExplicit = false, fields = {};
  for (var i = 0; i < DT_FIELDS.length; i++) {
    var f = DT_FIELDS[i], v;
    if (f[0] === 'fractionalSecondDigits') {
      v = getNumberOption(options, 'fractionalSecondDigits', 1, 3, undef);
    } else {
      v = getOption(options, f[0], f[1], undef);
    }
    if (v !== undef) { fields[f[0]] = v; hasExplicit = true; }
  }
  getOption(options, 'formatMatcher', ['basic', 'best fit'], 'best fit');
  var dateStyle = getOption(options, 'dateStyle', ['full', 'long', 'medium', 'short'], undef);
  var timeStyle = getOption(options, 'timeStyle', ['full', 'long', 'medium', 'short'], undef);
  if (dateStyle !== undef || timeStyle !== undef) {
    if (hasExplicit) throw TypeErr('Can\'t set option ' + (fields.weekday ? 'weekday' : 'a date-time field') + ' when ' + (dateStyle !== undef ? 'dateStyle' : 'timeStyle') + ' is used');
    if (required === 'date' && dateStyle === undef) throw TypeErr('Invalid option : timeStyle');
    if (required === 'time' && timeStyle === undef) throw TypeErr('Invalid option : dateStyle');
    r.dateStyle = dateStyle;
    r.timeStyle = timeStyle;
  } else {
    var needDefaults = true;
    if ((required === 'date' || required === 'any') &&
        (fields.weekday || fields.year || fields.month || fields.day)) needDefaults = false;
    if ((required === 'time' || required === 'any') &&
        (fields.dayPeriod || fields.hour || fields.minute || fields.second || fields.fractionalSecondDigits)) needDefaults = false;
    if (needDefaults && (defaults === 'date' || defaults === 'all')) {
      fields.year = fields.month = fields.day = 'numeric';
    }
    if (needDefaults && (defaults === 'time' || defaults === 'all')) {
      fields.hour = fields.minute = fields.second = 'numeric';
    }
    for (i = 0; i < DT_FIELDS.length; i++) {
      f = DT_FIELDS[i];
      v = fields[f[0]];
      if (v === undef) continue;
      if (f[0] === 'fractionalSecondDigits') skeleton += repeat('S', v);
      else if (f[0] === 'hour') {
        var letter = hour12 === true ? 'h' : hour12 === false ? 'H'
          : hourCycle === 'h11' ? 'K' : hourCycle === 'h12' ? 'h' : hourCycle === 'h23' ? 'H'
          : hourCycle === 'h24' ? 'k' : 'j';
        skeleton += v === '2-digit' ? letter + letter : letter;
      } else skeleton += f[2][v];
    }
  }
  r.fields = fields;
  var hc = '';
  if (hour12 === true) hc = 'h';
  else if (hour12 === false) hc = 'H';
  else if (hourCycle) hc = { h11: 'K', h12: 'h', h23: 'H', h24: 'k' }[hourCycle];
  r.handle = N.dtf(r.locale, skeleton, dateStyle || '', timeStyle || '', tz, skeleton ? hc : '');
  var pattern = N.dtfPattern(r.handle);
  r.hasHour = false;
  var quoted = false;
  for (i = 0; i < pattern.length; i++) {
    var c = pattern.charAt(i);
    if (c === '\'') quoted = !quoted;
    else if (!quoted && (c === 'h' || c === 'H' || c === 'k' || c === 'K')) {
      r.hasHour = true;
      r.hourCycle = c === 'h' ? 'h12' : c === 'H' ? 'h23' : c === 'k' ? 'h24' : 'h11';
    }
  }
  dtf[K] = r;
  return dtf;
}

function DateTimeFormat(locales, options) {
  var self = this instanceof DateTimeFormat && !(this[K]) ? this : new DateTimeFormat(K, K);
  if (locales === K && options === K) return self;
  return initDateTimeFormat(self, locales, options, 'any', 'date');
}

function timeOf(date) {
  var x = date === undef ? N.now() : +date;
  if (x !== x || x > 8.64e15 || x < -8.64e15) throw RangeErr('Invalid time value');
  return x;
}

function dateResolved() {
  var r = slots(this, 'DateTimeFormat', 'resolvedOptions');
  var out = { locale: r.locale, calendar: r.calendar, numberingSystem: r.numberingSystem,
    timeZone: r.timeZone };
  if (r.hasHour) { out.hourCycle = r.hourCycle; out.hour12 = r.hourCycle === 'h11' || r.hourCycle === 'h12'; }
  for (var i = 0; i < DT_FIELDS.length; i++) {
    var v = r.fields[DT_FIELDS[i][0]];
    if (v !== undef) out[DT_FIELDS[i][0]] = v;
  }
  if (r.dateStyle !== undef) out.dateStyle = r.dateStyle;
  if (r.timeStyle !== undef) out.timeStyle = r.timeStyle;
  return out;
}

/* ---- Collator ---- */

function Collator(locales, options) {
  var self = this instanceof Collator && !(this[K]) ? this : new Collator(K, K);
  if (locales === K && options === K) return self;
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'Collator' };
  r.usage = getOption(options, 'usage', ['sort', 'search'], 'sort');
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  var co = getOption(options, 'collation', undef, undef);
  if (co !== undef && !isTypeSequence(co))
    throw RangeErr('Invalid collation : ' + co);
  var numeric = options.numeric;
  r.numeric = numeric === undef ? false : !!numeric;
  r.caseFirst = getOption(options, 'caseFirst', ['upper', 'lower', 'false'], 'false');
  r.locale = resolveLocale(requested);
  r.sensitivity = getOption(options, 'sensitivity', ['base', 'accent', 'case', 'variant'], 'variant');
  r.ignorePunctuation = getBoolOption(options, 'ignorePunctuation', false);
  r.collation = 'default';
  r.handle = N.coll(r.locale, r.sensitivity, r.numeric, r.caseFirst, r.ignorePunctuation, r.usage);
  self[K] = r;
  return self;
}

function collatorResolved() {
  var r = slots(this, 'Collator', 'resolvedOptions');
  return { locale: r.locale, usage: r.usage, sensitivity: r.sensitivity,
    ignorePunctuation: r.ignorePunctuation, collation: r.collation, numeric: r.numeric,
    caseFirst: r.caseFirst };
}

/* ---- PluralRules ---- */

function PluralRules(locales, options) {
  if (!(this instanceof PluralRules) || this[K])
    throw TypeErr('Constructor Intl.PluralRules requires \'new\'');
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'PluralRules' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  r.type = getOption(options, 'type', ['cardinal', 'ordinal'], 'cardinal');
  setDigitOptions(r, options, 0, 3, 'standard');
  r.locale = resolveLocale(requested);
  r.notation = 'standard';
  r.handle = N.pr(r.locale, r.type === 'ordinal');
  r.nf = N.nf(r.locale, numberSkeleton(r));
  this[K] = r;
}

/* ---- RelativeTimeFormat ---- */

var REL_UNITS = ['second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year'];

function RelativeTimeFormat(locales, options) {
  if (!(this instanceof RelativeTimeFormat) || this[K])
    throw TypeErr('Constructor Intl.RelativeTimeFormat requires \'new\'');
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'RelativeTimeFormat' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  var ns = getOption(options, 'numberingSystem', undef, undef);
  if (ns !== undef && !isTypeSequence(ns))
    throw RangeErr('Invalid numberingSystem : ' + ns);
  r.locale = resolveLocale(requested);
  r.style = getOption(options, 'style', ['long', 'short', 'narrow'], 'long');
  r.numeric = getOption(options, 'numeric', ['always', 'auto'], 'always');
  r.numberingSystem = 'latn';
  r.handle = N.rtf(r.locale, r.style);
  this[K] = r;
}

function singularUnit(u) {
  u = toStr(u);
  var s = u.charAt(u.length - 1) === 's' ? u.substring(0, u.length - 1) : u;
  if (indexOf(REL_UNITS, s) < 0) throw RangeErr('Invalid unit argument for format() \'' + u + '\'');
  return s;
}

/* ---- ListFormat ---- */

function ListFormat(locales, options) {
  if (!(this instanceof ListFormat) || this[K])
    throw TypeErr('Constructor Intl.ListFormat requires \'new\'');
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'ListFormat' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  r.locale = resolveLocale(requested);
  r.type = getOption(options, 'type', ['conjunction', 'disjunction', 'unit'], 'conjunction');
  r.style = getOption(options, 'style', ['long', 'short', 'narrow'], 'long');
  r.handle = N.lf(r.locale, r.type, r.style);
  this[K] = r;
}

/* StringListFromIterable */
function stringList(iterable) {
  var out = [];
  if (iterable === undef) return out;
  if (iterable === null || (typeof iterable !== 'object' && typeof iterable !== 'string'))
    throw TypeErr(toStr(iterable) + ' is not iterable');
  var it = iterable[N.iterator]();
  for (;;) {
    var step = it.next();
    if (step.done) return out;
    if (typeof step.value !== 'string') {
      var ret = it['return'];
      if (ret !== undef && ret !== null) ret.call(it);
      throw TypeErr('Iterable yielded ' + (typeof step.value === 'symbol' ? 'a Symbol' : toStr(step.value)) + ' which is not a string');
    }
    out[out.length] = step.value;
  }
}

/* ---- Segmenter ---- */

function Segmenter(locales, options) {
  if (!(this instanceof Segmenter) || this[K])
    throw TypeErr('Constructor Intl.Segmenter requires \'new\'');
  var requested = canonicalizeLocaleList(locales);
  options = coerceOptions(options);
  var r = { brand: 'Segmenter' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  r.locale = resolveLocale(requested);
  r.granularity = getOption(options, 'granularity', ['grapheme', 'word', 'sentence'], 'grapheme');
  r.handle = N.seg(r.locale, r.granularity);
  this[K] = r;
}

/* CreateSegmentDataObject for the segment starting at boundary i */
function segmentData(s, i) {
  var start = s.bounds[i], end = s.bounds[i + 1];
  var o = { segment: s.input.substring(start, end), index: start, input: s.input };
  if (s.granularity === 'word') o.isWordLike = s.words[i];
  return o;
}

/* The boundary index of the segment holding code unit n (bounds ascend from 0). */
function segmentAt(s, n) {
  var lo = 0, hi = s.bounds.length - 2;
  while (lo < hi) {
    var mid = (lo + hi + 1) >> 1;
    if (s.bounds[mid] <= n) lo = mid; else hi = mid - 1;
  }
  return lo;
}

var segmentsProto = {};
var segmentIteratorProto = N.create(N.iteratorProto);

function Segments(r, input) {
  var b = N.segBreaks(r.handle, input);
  var o = N.create(segmentsProto);
  o[K] = { brand: 'Segments', input: input, granularity: r.granularity, bounds: b[0], words: b[1] };
  return o;
}

/* ---- DisplayNames ---- */

function DisplayNames(locales, options) {
  if (!(this instanceof DisplayNames) || this[K])
    throw TypeErr('Constructor Intl.DisplayNames requires \'new\'');
  var requested = canonicalizeLocaleList(locales);
  if (options === undef) throw TypeErr('Cannot convert undefined or null to object');
  options = coerceOptions(options);
  var r = { brand: 'DisplayNames' };
  getOption(options, 'localeMatcher', ['lookup', 'best fit'], 'best fit');
  r.style = getOption(options, 'style', ['narrow', 'short', 'long'], 'long');
  var type = getOption(options, 'type', ['language', 'region', 'script', 'currency', 'calendar', 'dateTimeField'], undef);
  if (type === undef) throw TypeErr('Required option \'type\' is missing');
  r.type = type;
  r.fallback = getOption(options, 'fallback', ['code', 'none'], 'code');
  var ld = getOption(options, 'languageDisplay', ['dialect', 'standard'], 'dialect');
  if (type === 'language') r.languageDisplay = ld;
  r.locale = resolveLocale(requested);
  r.handle = N.dn(r.locale, r.style !== 'long', ld === 'dialect', r.fallback === 'code');
  this[K] = r;
}

function isAlpha(s, n) {
  if (s.length !== n) return false;
  for (var i = 0; i < n; i++) { var c = s.charCodeAt(i) | 32; if (c < 97 || c > 122) return false; }
  return true;
}
function isDigits(s, n) {
  if (s.length !== n) return false;
  for (var i = 0; i < n; i++) { var c = s.charCodeAt(i); if (c < 48 || c > 57) return false; }
  return true;
}
var DT_FIELD_NAMES = ['era', 'year', 'quarter', 'month', 'weekOfYear', 'weekday', 'day',
  'dayPeriod', 'hour', 'minute', 'second', 'timeZoneName'];

/* CanonicalCodeForDisplayNames */
function displayCode(type, code) {
  var bad = function () { throw RangeErr('invalid_argument'); };
  if (type === 'language') {
    /* unicode_language_id: no extensions or private use */
    var parts = code.split('-');
    for (var i = 0; i < parts.length; i++) if (parts[i].length === 1) bad();
    if (!isAlpha(parts[0], parts[0].length) || parts[0].length < 2 || parts[0].length === 4 || parts[0].length > 8) bad();
    try { return N.canonicalize(code); } catch (e) { bad(); }
  }
  /* Region and script codes go to ICU as written, as V8 passes them (so "us" finds no name
   * and falls back to "us"); the standard would canonicalize them first. */
  if (type === 'region') {
    if (!isAlpha(code, 2) && !isDigits(code, 3)) bad();
    return code;
  }
  if (type === 'script') {
    if (!isAlpha(code, 4)) bad();
    return code;
  }
  if (type === 'currency') {
    if (!isAlpha(code, 3)) bad();
    return upper(code);
  }
  if (type === 'calendar') {
    if (!isTypeSequence(code)) bad();
    return code.toLowerCase();
  }
  if (indexOf(DT_FIELD_NAMES, code) < 0) bad();
  return code;
}

/* ---- the classes ---- */

function method(proto, name, fn, length) { N.method(proto, name, fn, length); }

/* A format getter: the bound function ECMA-402 gives (made once per object). */
function boundGetter(brand, name, make) {
  return function () {
    var r = slots(this, brand, name);
    if (!r.bound) r.bound = make(r);
    return r.bound;
  };
}

var Intl = {};

function defineClass(name, C, length, proto, getters) {
  C.prototype = proto;
  N.method(Intl, name, C, length);
  N.define(proto, 'constructor', C);
  N.method(C, 'supportedLocalesOf', function (locales, options) {
    return supportedLocales(locales, options);
  }, 1);
  for (var g in getters) N.getter(proto, g, getters[g]);
  N.tag(proto, 'Intl.' + name);
}

var nfProto = {};
method(nfProto, 'formatToParts', function formatToParts(x) {
  var r = slots(this, 'NumberFormat', 'formatToParts');
  return partsFrom(N.nfFormat(r.handle, toNumeric(x), true));
}, 1);
method(nfProto, 'resolvedOptions', numberResolved, 0);
defineClass('NumberFormat', NumberFormat, 0, nfProto, {
  format: boundGetter('NumberFormat', 'format', function (r) {
    var f = function (x) { return nfFormat(r, x); };
    N.method({}, '', f, 1);
    return f;
  })
});

var dtfProto = {};
method(dtfProto, 'formatToParts', function formatToParts(date) {
  var r = slots(this, 'DateTimeFormat', 'formatToParts');
  return partsFrom(N.dtfFormat(r.handle, timeOf(date), true));
}, 1);
method(dtfProto, 'resolvedOptions', dateResolved, 0);
defineClass('DateTimeFormat', DateTimeFormat, 0, dtfProto, {
  format: boundGetter('DateTimeFormat', 'format', function (r) {
    var f = function (date) { return N.dtfFormat(r.handle, timeOf(date), false); };
    N.method({}, '', f, 1);
    return f;
  })
});

var collProto = {};
method(collProto, 'resolvedOptions', collatorResolved, 0);
defineClass('Collator', Collator, 0, collProto, {
  compare: boundGetter('Collator', 'compare', function (r) { return N.collBound(r.handle); })
});

var prProto = {};
method(prProto, 'select', function select(n) {
  var r = slots(this, 'PluralRules', 'select');
  return N.prSelect(r.handle, r.nf, +n);
}, 1);
method(prProto, 'resolvedOptions', function resolvedOptions() {
  var r = slots(this, 'PluralRules', 'resolvedOptions');
  var out = { locale: r.locale, type: r.type, minimumIntegerDigits: r.minimumIntegerDigits };
  if (r.minimumFractionDigits !== undef) {
    out.minimumFractionDigits = r.minimumFractionDigits;
    out.maximumFractionDigits = r.maximumFractionDigits;
  }
  if (r.minimumSignificantDigits !== undef) {
    out.minimumSignificantDigits = r.minimumSignificantDigits;
    out.maximumSignificantDigits = r.maximumSignificantDigits;
  }
  out.pluralCategories = N.prCategories(r.handle);
  out.roundingIncrement = r.roundingIncrement;
  out.roundingMode = r.roundingMode;
  out.roundingPriority = r.roundingPriority;
  out.trailingZeroDisplay = r.trailingZeroDisplay;
  return out;
}, 0);
defineClass('PluralRules', PluralRules, 0, prProto, {});

var rtfProto = {};
method(rtfProto, 'format', function format(value, unit) {
  var r = slots(this, 'RelativeTimeFormat', 'format');
  var v = +value;
  if (v !== v || v - v !== 0) throw RangeErr('Invalid value ' + toStr(value) + ' for format()');
  return N.rtfFormat(r.handle, v, singularUnit(unit), r.numeric === 'always');
}, 2);
method(rtfProto, 'resolvedOptions', function resolvedOptions() {
  var r = slots(this, 'RelativeTimeFormat', 'resolvedOptions');
  return { locale: r.locale, style: r.style, numeric: r.numeric, numberingSystem: r.numberingSystem };
}, 0);
defineClass('RelativeTimeFormat', RelativeTimeFormat, 0, rtfProto, {});

var lfProto = {};
method(lfProto, 'format', function format(list) {
  var r = slots(this, 'ListFormat', 'format');
  return N.lfFormat(r.handle, stringList(list));
}, 1);
method(lfProto, 'resolvedOptions', function resolvedOptions() {
  var r = slots(this, 'ListFormat', 'resolvedOptions');
  return { locale: r.locale, type: r.type, style: r.style };
}, 0);
defineClass('ListFormat', ListFormat, 0, lfProto, {});

var segProto = {};
method(segProto, 'segment', function segment(string) {
  var r = slots(this, 'Segmenter', 'segment');
  return Segments(r, toStr(string));
}, 1);
method(segProto, 'resolvedOptions', function resolvedOptions() {
  var r = slots(this, 'Segmenter', 'resolvedOptions');
  return { locale: r.locale, granularity: r.granularity };
}, 0);
defineClass('Segmenter', Segmenter, 0, segProto, {});

method(segmentsProto, 'containing', function containing(index) {
  var s = this[K];
  if (!s || s.brand !== 'Segments') throw TypeErr('containing called on incompatible receiver');
  var n = +index;
  n = n !== n ? 0 : trunc(n);
  if (n < 0 || n >= s.input.length) return undef;
  return segmentData(s, segmentAt(s, n));
}, 1);
N.method(segmentsProto, N.iterator, function () {
  var s = this[K];
  if (!s || s.brand !== 'Segments') throw TypeErr('Segments iterator called on incompatible receiver');
  var it = N.create(segmentIteratorProto);
  it[K] = { brand: 'SegmentIterator', s: s, i: 0 };
  return it;
}, 0);
method(segmentIteratorProto, 'next', function next() {
  var st = this[K];
  if (!st || st.brand !== 'SegmentIterator') throw TypeErr('next called on incompatible receiver');
  var s = st.s;
  if (st.i >= s.bounds.length - 1) return { value: undef, done: true };
  return { value: segmentData(s, st.i++), done: false };
}, 0);
N.tag(segmentIteratorProto, 'Segmenter String Iterator');

var dnProto = {};
method(dnProto, 'of', function of(code) {
  var r = slots(this, 'DisplayNames', 'of');
  var c = displayCode(r.type, toStr(code));
  return N.dnOf(r.handle, r.type, c, r.locale, r.style, r.fallback === 'code');
}, 1);
method(dnProto, 'resolvedOptions', function resolvedOptions() {
  var r = slots(this, 'DisplayNames', 'resolvedOptions');
  var out = { locale: r.locale, style: r.style, type: r.type, fallback: r.fallback };
  if (r.languageDisplay !== undef) out.languageDisplay = r.languageDisplay;
  return out;
}, 0);
defineClass('DisplayNames', DisplayNames, 2, dnProto, {});

/* What this implementation supports, for each key (ECMA-402 AvailableCanonical*) */
N.method(Intl, 'supportedValuesOf', function supportedValuesOf(key) {
  key = toStr(key);
  if (key === 'calendar') return ['gregory'];
  if (key === 'collation') return [];
  if (key === 'numberingSystem') return ['latn'];
  if (key === 'unit') return SIMPLE_UNITS.slice(0);
  if (key === 'currency' || key === 'timeZone') return N.values(key);
  throw RangeErr('Invalid key : ' + key);
}, 1);

/* ---- Locale ---- */

/* A canonical tag's parts: language, script, region, variants, the attributes and keywords
 * of its -u- extension (key -> type, '' for none), and its other extensions and private use
 * as they are. */
function parseTag(tag) {
  var p = tag.split('-'), i = 1;
  var t = { language: p[0], script: undef, region: undef, variants: [], attrs: [], keys: {},
            other: [] };
  if (i < p.length && p[i].length === 4 && !/[0-9]/.test(p[i])) t.script = p[i++];
  if (i < p.length && (p[i].length === 2 || (p[i].length === 3 && /^[0-9]+$/.test(p[i]))))
    t.region = p[i++];
  while (i < p.length && p[i].length > 1) t.variants[t.variants.length] = p[i++];
  while (i < p.length) {
    var single = p[i++];
    if (single === 'u') {
      while (i < p.length && p[i].length > 2) t.attrs[t.attrs.length] = p[i++];
      while (i < p.length && p[i].length === 2) {
        var key = p[i++], types = [];
        while (i < p.length && p[i].length > 2) types[types.length] = p[i++];
        t.keys[key] = types.join('-');
      }
    } else {
      var ext = [single];
      while (i < p.length && (single === 'x' || p[i].length > 1)) ext[ext.length] = p[i++];
      t.other[t.other.length] = ext.join('-');
    }
  }
  return t;
}

function baseNameOf(t) {
  var out = [t.language];
  if (t.script !== undef) out[out.length] = t.script;
  if (t.region !== undef) out[out.length] = t.region;
  for (var i = 0; i < t.variants.length; i++) out[out.length] = t.variants[i];
  return out.join('-');
}

/* The tag of t, canonicalized again (ICU orders the keywords and drops a 'true' type). */
function tagOf(t) {
  var out = [baseNameOf(t)], u = [], keys = [], k;
  for (k in t.keys) keys[keys.length] = k;
  keys.sort();
  for (var i = 0; i < t.attrs.length; i++) u[u.length] = t.attrs[i];
  for (i = 0; i < keys.length; i++) {
    u[u.length] = keys[i];
    if (t.keys[keys[i]] !== '') u[u.length] = t.keys[keys[i]];
  }
  var exts = t.other.slice(0), priv;
  if (exts.length && exts[exts.length - 1].charAt(0) === 'x') priv = exts.pop();
  if (u.length) exts[exts.length] = 'u-' + u.join('-');
  exts.sort();
  if (priv !== undef) exts[exts.length] = priv;
  for (i = 0; i < exts.length; i++) out[out.length] = exts[i];
  return N.canonicalize(out.join('-'));
}

function subtagOption(options, prop, re) {
  var v = options[prop];
  if (v === undef) return undef;
  v = toStr(v);
  if (!re.test(v)) throw RangeErr('Incorrect locale information provided');
  return v;
}

var TYPE_RE = /^[a-zA-Z0-9]{3,8}(-[a-zA-Z0-9]{3,8})*$/;

function Locale(tag, options) {
  if (!(this instanceof Locale) || this[K])
    throw TypeErr('Constructor Intl.Locale requires \'new\'');
  if (typeof tag !== 'string' && !isObject(tag))
    throw TypeErr('First argument to Intl.Locale constructor can\'t be empty or missing');
  tag = isObject(tag) && tag[K] && tag[K].brand === 'Locale' ? tag[K].locale : toStr(tag);
  if (options === null) throw TypeErr('Cannot convert undefined or null to object');
  options = options === undef ? {} : options;
  var t = parseTag(N.canonicalize(tag));
  /* ApplyOptionsToTag, then the Unicode extension keywords, in the standard's order */
  var language = subtagOption(options, 'language', /^([a-zA-Z]{2,3}|[a-zA-Z]{5,8})$/);
  var script = subtagOption(options, 'script', /^[a-zA-Z]{4}$/);
  var region = subtagOption(options, 'region', /^([a-zA-Z]{2}|[0-9]{3})$/);
  if (language !== undef) t.language = language;
  if (script !== undef) t.script = script;
  if (region !== undef) t.region = region;
  var ca = subtagOption(options, 'calendar', TYPE_RE);
  var co = subtagOption(options, 'collation', TYPE_RE);
  var hc = getOption(options, 'hourCycle', ['h11', 'h12', 'h23', 'h24'], undef);
  var kf = getOption(options, 'caseFirst', ['upper', 'lower', 'false'], undef);
  var kn = options.numeric;
  if (kn !== undef) kn = toStr(!!kn);
  var nu = subtagOption(options, 'numberingSystem', TYPE_RE);
  var given = [['ca', ca], ['co', co], ['hc', hc], ['kf', kf], ['kn', kn], ['nu', nu]];
  for (var i = 0; i < given.length; i++)
    if (given[i][1] !== undef) t.keys[given[i][0]] = given[i][1].toLowerCase();
  this[K] = { brand: 'Locale', locale: tagOf(t) };
}

function localeSlots(o, what) { return slots(o, 'Locale', what); }

function keyword(o, key, what) {
  var v = parseTag(localeSlots(o, what).locale).keys[key];
  return v === undef ? undef : v;
}

var localeProto = {};
method(localeProto, 'toString', function toString() {
  return localeSlots(this, 'toString').locale;
}, 0);
method(localeProto, 'maximize', function maximize() {
  return new Locale(N.maximize(localeSlots(this, 'maximize').locale));
}, 0);
method(localeProto, 'minimize', function minimize() {
  return new Locale(N.minimize(localeSlots(this, 'minimize').locale));
}, 0);
defineClass('Locale', Locale, 1, localeProto, {
  baseName: function () { return baseNameOf(parseTag(localeSlots(this, 'baseName').locale)); },
  calendar: function () { return keyword(this, 'ca', 'calendar'); },
  caseFirst: function () { return keyword(this, 'kf', 'caseFirst'); },
  collation: function () { return keyword(this, 'co', 'collation'); },
  hourCycle: function () { return keyword(this, 'hc', 'hourCycle'); },
  numeric: function () {
    var v = keyword(this, 'kn', 'numeric');
    return v === '' || v === 'true';
  },
  numberingSystem: function () { return keyword(this, 'nu', 'numberingSystem'); },
  language: function () { return parseTag(localeSlots(this, 'language').locale).language; },
  script: function () { return parseTag(localeSlots(this, 'script').locale).script; },
  region: function () { return parseTag(localeSlots(this, 'region').locale).region; }
});

N.method(Intl, 'getCanonicalLocales', function getCanonicalLocales(locales) {
  return canonicalizeLocaleList(locales);
}, 1);
N.tag(Intl, 'Intl');

/* ---- the locale-sensitive methods of Number, Date and String ---- */

/* Formatters for calls without locales and options, made once per heap. */
var cachedNumber, cachedDates = [], cachedCollator;

function numberToLocaleString(self, unused, locales, options) {
  var x = N.thisValue(self, true);
  if (locales === undef && options === undef) {
    if (!cachedNumber) cachedNumber = initNumberFormat(new NumberFormat(K, K), undef, undef);
    return nfFormat(cachedNumber[K], x);
  }
  return nfFormat(initNumberFormat(new NumberFormat(K, K), locales, options)[K], x);
}

var DATE_KINDS = [['any', 'all'], ['date', 'date'], ['time', 'time']];

function dateToLocaleString(self, kind, locales, options) {
  var t = N.thisValue(self, false);
  if (t !== t) return 'Invalid Date';
  var dtf;
  if (locales === undef && options === undef) {
    dtf = cachedDates[kind];
    if (!dtf) dtf = cachedDates[kind] = initDateTimeFormat(new DateTimeFormat(K, K), undef, undef, DATE_KINDS[kind][0], DATE_KINDS[kind][1]);
  } else {
    dtf = initDateTimeFormat(new DateTimeFormat(K, K), locales, options, DATE_KINDS[kind][0], DATE_KINDS[kind][1]);
  }
  return N.dtfFormat(dtf[K].handle, t, false);
}

function localeCompare(self, unused, that, locales, options) {
  if (self === undef || self === null)
    throw TypeErr('String.prototype.localeCompare called on null or undefined');
  var s = toStr(self), t = toStr(that);
  var c;
  if (locales === undef && options === undef) {
    if (!cachedCollator) cachedCollator = new Collator();
    c = cachedCollator;
  } else {
    c = new Collator(locales, options);
  }
  return N.collCompare(c[K].handle, s, t);
}

/* The default collator's handle, for String.prototype.localeCompare's short path in C. */
function defaultCollator() {
  if (!cachedCollator) cachedCollator = new Collator();
  return cachedCollator[K].handle;
}

return { Intl: Intl, numberToLocaleString: numberToLocaleString,
  dateToLocaleString: dateToLocaleString, localeCompare: localeCompare,
  defaultCollator: defaultCollator };
})
