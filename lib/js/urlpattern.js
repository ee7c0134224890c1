/* URLPattern (https://urlpattern.spec.whatwg.org/) in ES5 for the sandbox. The file is one
 * function expression that receives `N`, the natives of lib/js/urlpattern.c, and returns
 * { proto, init }: URLPattern.prototype and the constructor's steps (the constructor itself
 * is a C function, which can tell a `new` call from a plain one). Compiled once per process
 * and loaded into a heap the first time a script reads URLPattern (lib/js/embedded.c).
 *
 * Scripts run before this loads and may have replaced URL, RegExp and any built-in method,
 * so the code reads no global and calls no prototype method: code points, substrings,
 * joins, the URL parser, RegExp creation and RegExpBuiltinExec come from N; strings are
 * built by `+` and lists by index assignment. Internal slots live on a record under the
 * hidden key N.K. Algorithm and variable names follow the Standard, which compiles with the
 * RegExp flags "v"/"vi" (regexp groups are read with v syntax). */
(function (N) {
'use strict';

var K = N.K;
var undef;
var cps = N.cps, cpStr = N.str, join = N.join, sub = N.sub;
var idStart = N.idStart, idPart = N.idPart;
var parseURL = N.parseURL, canon = N.canon, newRegExp = N.regexp, execRegExp = N.exec;
var put = N.put;

/* Internal lists are arrays filled by index assignment. A script that defined an index
 * setter on Array.prototype would see the strings and tokens written (nothing it could not
 * compute itself; the records holding RegExps are literals) and could only break its own
 * matching; objects without a prototype would avoid that, but their numeric keys become
 * interned strings, several times slower on a long pattern. */
function list() { return []; }

/* The one-character strings of ASCII, so that most tokens cost no native call. */
var ASCII = list();
for (var c0 = 0; c0 < 128; c0++) ASCII[c0] = cpStr([c0], 0, 1);

/* The last TypeError made for an invalid input: match() turns exactly these into null
 * and lets anything else (a CPU or memory limit) through. */
var lastFail = null;
function fail(msg) {
  lastFail = N.typeError('Invalid URLPattern: ' + msg);
  return lastFail;
}
function isObject(x) { return (typeof x === 'object' && x !== null) || typeof x === 'function'; }
function toUSV(x) {
  if (typeof x === 'symbol') throw N.typeError('Cannot convert a Symbol value to a string');
  return '' + x;
}

var COMPONENTS = ['protocol', 'username', 'password', 'hostname', 'port', 'pathname',
                  'search', 'hash'];
var COMPONENT_INDEX = { protocol: 0, username: 1, password: 2, hostname: 3, port: 4,
                        pathname: 5, search: 6, hash: 7 };
var SPECIAL = ['ftp', 'file', 'http', 'https', 'ws', 'wss'];
var DEFAULT_PORT = { ftp: '21', file: '', http: '80', https: '443', ws: '80', wss: '443' };

function isSpecialScheme(s) {
  for (var i = 0; i < SPECIAL.length; i++) if (SPECIAL[i] === s) return true;
  return false;
}

/* ---- tokenizer ---- */

/* tokenize: the token list and the input's code points (substrings of the input are by
 * code point positions). lenient: the "lenient" policy, else "strict". */
function tokenize(input, lenient) {
  var cp = cps(input), n = cp.length, tokens = list(), nt = 0, index = 0, next = 0, c;
  function add(type, nextPos, valuePos, valueLen) {
    var value = valueLen === 1 && cp[valuePos] < 128 ? ASCII[cp[valuePos]]
                                                      : cpStr(cp, valuePos, valuePos + valueLen);
    tokens[nt++] = { type: type, index: index, value: value };
    index = nextPos;
  }
  function error(nextPos, valuePos) {
    if (!lenient) throw fail('unexpected character at position ' + valuePos);
    add('invalid-char', nextPos, valuePos, nextPos - valuePos);
  }
  while (index < n) {
    c = cp[index];
    next = index + 1;
    if (c === 42) { add('asterisk', next, index, 1); continue; }               /* * */
    if (c === 43 || c === 63) { add('other-modifier', next, index, 1); continue; } /* + ? */
    if (c === 92) {                                                              /* \ */
      if (index === n - 1) { error(next, index); continue; }
      var escapedIndex = next;
      next++;
      add('escaped-char', next, escapedIndex, next - escapedIndex);
      continue;
    }
    if (c === 123) { add('open', next, index, 1); continue; }                  /* { */
    if (c === 125) { add('close', next, index, 1); continue; }                 /* } */
    if (c === 58) {                                                              /* : */
      var namePos = next, nameStart = namePos;
      while (namePos < n) {
        if (!(namePos === nameStart ? idStart(cp[namePos]) : idPart(cp[namePos]))) break;
        namePos++;
      }
      if (namePos <= nameStart) { error(nameStart, index); continue; }
      add('name', namePos, nameStart, namePos - nameStart);
      continue;
    }
    if (c === 40) {                                                              /* ( */
      var depth = 1, rePos = next, reStart = rePos, bad = false, d;
      while (rePos < n) {
        d = cp[rePos];
        next = rePos + 1;
        if (d > 0x7f) { error(reStart, index); bad = true; break; }
        if (rePos === reStart && d === 63) { error(reStart, index); bad = true; break; }
        if (d === 92) {
          if (rePos === n - 1) { error(reStart, index); bad = true; break; }
          d = cp[next];
          next++;
          if (d > 0x7f) { error(reStart, index); bad = true; break; }
          rePos = next;
          continue;
        }
        if (d === 41) {
          depth--;
          if (depth === 0) { rePos = next; break; }
        } else if (d === 40) {
          depth++;
          if (rePos === n - 1) { error(reStart, index); bad = true; break; }
          var tmp = next;
          d = cp[next];
          next++;
          if (d !== 63) { error(reStart, index); bad = true; break; }
          next = tmp;
        }
        rePos = next;
      }
      if (bad) continue;
      if (depth !== 0) { error(reStart, index); continue; }
      var reLength = rePos - reStart - 1;
      if (reLength === 0) { error(reStart, index); continue; }
      add('regexp', rePos, reStart, reLength);
      continue;
    }
    add('char', next, index, 1);
  }
  add('end', index, index, 0);
  tokens.length = nt;
  return { tokens: tokens, cp: cp };
}

/* ---- pattern strings ---- */

var FULL_WILDCARD = '.*';
var DEFAULT_OPTIONS = { delimiter: '', prefix: '', ignoreCase: false };
var HOSTNAME_OPTIONS = { delimiter: '.', prefix: '', ignoreCase: false };

/* escape a regexp string, escape a pattern string */
function escapeRegexpString(s) { return N.escape(s, 0); }
function escapePatternString(s) { return N.escape(s, 1); }

function segmentWildcardRegexp(options) {
  return '[^' + escapeRegexpString(options.delimiter) + ']+?';
}

function modifierString(m) {
  if (m === 'zero-or-more') return '*';
  if (m === 'optional') return '?';
  if (m === 'one-or-more') return '+';
  return '';
}

function isAsciiDigit(c) { return c >= '0' && c <= '9'; }

/* parse a pattern string: the part list */
function parsePatternString(input, options, encode) {
  var t = tokenize(input, false), tokens = t.tokens, ntok = tokens.length;
  var parts = list(), np = 0, pending = list(), npending = 0, index = 0, nextNumericName = 0;
  var names = N.create(undef); /* no prototype: nothing inherited answers for a name */
  var segmentWildcard = segmentWildcardRegexp(options);

  function tryConsume(type) {
    var tok = tokens[index];
    if (tok.type !== type) return null;
    index++;
    return tok;
  }
  function tryConsumeModifier() {
    var tok = tryConsume('other-modifier');
    return tok ? tok : tryConsume('asterisk');
  }
  function tryConsumeRegexpOrWildcard(nameToken) {
    var tok = tryConsume('regexp');
    if (!nameToken && !tok) tok = tryConsume('asterisk');
    return tok;
  }
  function consumeRequired(type) {
    var tok = tryConsume(type);
    if (!tok)
      throw fail('unexpected ' + (tokens[index].type === 'end' ? 'end of pattern'
                                  : '"' + tokens[index].value + '"') +
                 ' at position ' + tokens[index].index);
    return tok;
  }
  function consumeText() {
    var out = list(), k = 0;
    for (;;) {
      var tok = tryConsume('char');
      if (!tok) tok = tryConsume('escaped-char');
      if (!tok) break;
      out[k++] = tok.value;
    }
    return join(out, k);
  }
  function newPart(type, value, modifier, name, prefix, suffix) {
    return { type: type, value: value, modifier: modifier, name: name, prefix: prefix,
             suffix: suffix };
  }
  function maybeAddPartFromPending() {
    var value = join(pending, npending);
    if (value === '') return;
    var encoded = encode(value);
    pending = list();
    npending = 0;
    parts[np++] = newPart('fixed-text', encoded, 'none', '', '', '');
  }
  function addPart(prefix, nameToken, regexpOrWildcardToken, suffix, modifierToken) {
    var modifier = 'none';
    if (modifierToken) {
      if (modifierToken.value === '?') modifier = 'optional';
      else if (modifierToken.value === '*') modifier = 'zero-or-more';
      else modifier = 'one-or-more';
    }
    if (!nameToken && !regexpOrWildcardToken && modifier === 'none') {
      pending[npending++] = prefix;
      return;
    }
    maybeAddPartFromPending();
    if (!nameToken && !regexpOrWildcardToken) {
      if (prefix === '') return;
      parts[np++] = newPart('fixed-text', encode(prefix), modifier, '', '', '');
      return;
    }
    var regexpValue;
    if (!regexpOrWildcardToken) regexpValue = segmentWildcard;
    else if (regexpOrWildcardToken.type === 'asterisk') regexpValue = FULL_WILDCARD;
    else regexpValue = regexpOrWildcardToken.value;
    var type = 'regexp';
    if (regexpValue === segmentWildcard) {
      type = 'segment-wildcard';
      regexpValue = '';
    } else if (regexpValue === FULL_WILDCARD) {
      type = 'full-wildcard';
      regexpValue = '';
    }
    var name;
    if (nameToken) {
      name = nameToken.value;
    } else {
      name = '' + nextNumericName;
      nextNumericName++;
    }
    if (names['$' + name] === true) throw fail('duplicate group name "' + name + '"');
    names['$' + name] = true;
    var encodedPrefix = encode(prefix);
    var encodedSuffix = encode(suffix);
    parts[np++] = newPart(type, regexpValue, modifier, name, encodedPrefix, encodedSuffix);
  }

  while (index < ntok) {
    var charToken = tryConsume('char');
    var nameToken = tryConsume('name');
    var regexpOrWildcardToken = tryConsumeRegexpOrWildcard(nameToken);
    if (nameToken || regexpOrWildcardToken) {
      var prefix = charToken ? charToken.value : '';
      if (prefix !== '' && prefix !== options.prefix) {
        pending[npending++] = prefix;
        prefix = '';
      }
      maybeAddPartFromPending();
      var modifierToken = tryConsumeModifier();
      addPart(prefix, nameToken, regexpOrWildcardToken, '', modifierToken);
      continue;
    }
    var fixedToken = charToken;
    if (!fixedToken) fixedToken = tryConsume('escaped-char');
    if (fixedToken) {
      pending[npending++] = fixedToken.value;
      continue;
    }
    if (tryConsume('open')) {
      var groupPrefix = consumeText();
      nameToken = tryConsume('name');
      regexpOrWildcardToken = tryConsumeRegexpOrWildcard(nameToken);
      var suffix = consumeText();
      consumeRequired('close');
      addPart(groupPrefix, nameToken, regexpOrWildcardToken, suffix, tryConsumeModifier());
      continue;
    }
    maybeAddPartFromPending();
    consumeRequired('end');
  }
  parts.length = np;
  return parts;
}

/* generate a regular expression and name list */
function generateRegexp(parts, options) {
  var out = list(), k = 0, nameList = list(), nn = 0;
  out[k++] = '^';
  for (var i = 0; i < parts.length; i++) {
    var part = parts[i];
    if (part.type === 'fixed-text') {
      if (part.modifier === 'none') {
        out[k++] = escapeRegexpString(part.value);
      } else {
        out[k++] = '(?:' + escapeRegexpString(part.value) + ')' + modifierString(part.modifier);
      }
      continue;
    }
    nameList[nn++] = part.name;
    var value = part.value;
    if (part.type === 'segment-wildcard') value = segmentWildcardRegexp(options);
    else if (part.type === 'full-wildcard') value = FULL_WILDCARD;
    if (part.prefix === '' && part.suffix === '') {
      if (part.modifier === 'none' || part.modifier === 'optional')
        out[k++] = '(' + value + ')' + modifierString(part.modifier);
      else
        out[k++] = '((?:' + value + ')' + modifierString(part.modifier) + ')';
      continue;
    }
    var prefix = escapeRegexpString(part.prefix), suffix = escapeRegexpString(part.suffix);
    if (part.modifier === 'none' || part.modifier === 'optional') {
      out[k++] = '(?:' + prefix + '(' + value + ')' + suffix + ')' +
                 modifierString(part.modifier);
      continue;
    }
    out[k++] = '(?:' + prefix + '((?:' + value + ')(?:' + suffix + prefix + '(?:' + value +
               '))*)' + suffix + ')';
    if (part.modifier === 'zero-or-more') out[k++] = '?';
  }
  out[k++] = '$';
  nameList.length = nn;
  return { source: join(out, k), names: nameList };
}

function firstCodePoint(s) { return s === '' ? -1 : cps(s.length > 2 ? sub(s, 0, 2) : s)[0]; }

/* generate a pattern string */
function generatePatternString(parts, options) {
  var out = list(), k = 0;
  for (var i = 0; i < parts.length; i++) {
    var part = parts[i];
    var previous = i > 0 ? parts[i - 1] : null;
    var next = i < parts.length - 1 ? parts[i + 1] : null;
    if (part.type === 'fixed-text') {
      if (part.modifier === 'none') {
        out[k++] = escapePatternString(part.value);
        continue;
      }
      out[k++] = '{' + escapePatternString(part.value) + '}' + modifierString(part.modifier);
      continue;
    }
    var customName = !isAsciiDigit(part.name[0]);
    var needsGrouping = part.suffix !== '' ||
                        (part.prefix !== '' && part.prefix !== options.prefix);
    if (!needsGrouping && customName && part.type === 'segment-wildcard' &&
        part.modifier === 'none' && next && next.prefix === '' && next.suffix === '') {
      if (next.type === 'fixed-text')
        needsGrouping = idPart(firstCodePoint(next.value));
      else
        needsGrouping = isAsciiDigit(next.name[0]);
    }
    if (!needsGrouping && part.prefix === '' && previous && previous.type === 'fixed-text' &&
        previous.value[previous.value.length - 1] === options.prefix)
      needsGrouping = true;
    if (needsGrouping) out[k++] = '{';
    out[k++] = escapePatternString(part.prefix);
    if (customName) out[k++] = ':' + part.name;
    if (part.type === 'regexp') {
      out[k++] = '(' + part.value + ')';
    } else if (part.type === 'segment-wildcard' && !customName) {
      out[k++] = '(' + segmentWildcardRegexp(options) + ')';
    } else if (part.type === 'full-wildcard') {
      if (!customName && (!previous || previous.type === 'fixed-text' ||
                          previous.modifier !== 'none' || needsGrouping || part.prefix !== ''))
        out[k++] = '*';
      else
        out[k++] = '(' + FULL_WILDCARD + ')';
    }
    if (part.type === 'segment-wildcard' && customName && part.suffix !== '' &&
        idPart(firstCodePoint(part.suffix)))
      out[k++] = '\\';
    out[k++] = escapePatternString(part.suffix);
    if (needsGrouping) out[k++] = '}';
    out[k++] = modifierString(part.modifier);
  }
  return join(out, k);
}

/* ---- canonicalization (the encoding callbacks) ---- */

var CANON = { protocol: 0, username: 1, password: 2, hostname: 3, port: 4, pathname: 5,
              opaquePathname: 6, search: 7, hash: 8 };

function canonicalize(kind, value, protocol) {
  if (value === '') return value;
  var r = canon(CANON[kind], value, protocol);
  if (r === null) throw fail('invalid ' + kind + ' "' + value + '"');
  return r;
}
function encoder(kind) {
  return function (value) { return canonicalize(kind, value, undef); };
}
var ENCODE = {
  protocol: encoder('protocol'), username: encoder('username'), password: encoder('password'),
  hostname: encoder('hostname'), port: encoder('port'), pathname: encoder('pathname'),
  opaquePathname: encoder('opaquePathname'), search: encoder('search'), hash: encoder('hash')
};
/* The encoders by a one-letter name, for the compiled components' keys (found by identity:
 * nothing is stored on the functions, where a setter a script put on Function.prototype
 * would see it) */
var ENCODERS = [ENCODE.protocol, ENCODE.username, ENCODE.password, ENCODE.hostname, ENCODE.port,
                ENCODE.pathname, ENCODE.opaquePathname, ENCODE.search, ENCODE.hash];
var ENCODER_TAGS = 'abcdefghi';
function encoderTag(encode) {
  for (var i = 0; i < ENCODERS.length; i++) if (ENCODERS[i] === encode) return ENCODER_TAGS[i];
  return null;
}

function canonicalizeIPv6Hostname(value) {
  var out = list(), k = 0;
  for (var i = 0; i < value.length; i++) {
    var c = value[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
          c === '[' || c === ']' || c === ':'))
      throw fail('invalid IPv6 hostname "' + value + '"');
    out[k++] = c >= 'A' && c <= 'F' ? LOWER[c] : c;
  }
  return join(out, k);
}
var LOWER = { A: 'a', B: 'b', C: 'c', D: 'd', E: 'e', F: 'f' };

function hostnamePatternIsIPv6(input) {
  var cp = cps(input.length > 2 ? sub(input, 0, 2) : input);
  if (cp.length < 2) return false;
  return cp[0] === 91 || ((cp[0] === 123 || cp[0] === 92) && cp[1] === 91);
}

/* ---- components ---- */

/* Tables of records by string key, for work a heap would otherwise repeat: at most
 * TABLE_MAX entries (emptied when full), on an object without a prototype so that nothing
 * a script put on Object.prototype answers a lookup. A null key is never kept. */
var TABLE_MAX = 256;
function newTable() { return { entries: N.create(undef), count: 0 }; }
function tableGet(t, key) { return key === null ? undef : t.entries[key]; }
function tablePut(t, key, value) {
  if (key === null) return;
  if (t.count >= TABLE_MAX) {
    t.entries = N.create(undef);
    t.count = 0;
  }
  t.entries[key] = value;
  t.count++;
}

/* Compiled components by encoder, options and input. Most patterns leave most components
 * at "*", and routers often build the same pattern on every request, so most compilations
 * repeat one made before. The records are never written after they are made (a
 * URLPattern's own record refers to them), and a RegExp without the g or y flag keeps no
 * state between matches, so patterns can share them. Long inputs are not kept. */
var COMPILED_INPUT_MAX = 256;
var compiled = newTable();

/* compile a component */
function compileComponent(input, encode, options) {
  var key = null, tag = input.length <= COMPILED_INPUT_MAX ? encoderTag(encode) : null;
  if (tag !== null)
    key = tag + (options.ignoreCase ? '1' : '0') + options.delimiter + '\u0000' +
          options.prefix + '\u0000' + input;
  var component = tableGet(compiled, key);
  if (component === undef) {
    component = compileComponentUncached(input, encode, options);
    tablePut(compiled, key, component);
  }
  return component;
}

function compileComponentUncached(input, encode, options) {
  var parts = parsePatternString(input, options, encode);
  var gen = generateRegexp(parts, options);
  var regexp = newRegExp(gen.source, options.ignoreCase ? 'vi' : 'v');
  if (regexp === null) throw fail('invalid regular expression group in "' + input + '"');
  var hasRegExpGroups = false;
  for (var i = 0; i < parts.length; i++) if (parts[i].type === 'regexp') hasRegExpGroups = true;
  return { pattern: generatePatternString(parts, options), regexp: regexp, names: gen.names,
           hasRegExpGroups: hasRegExpGroups };
}

function protocolComponentMatchesSpecialScheme(component) {
  for (var i = 0; i < SPECIAL.length; i++)
    if (execRegExp(component.regexp, SPECIAL[i]) !== null) return true;
  return false;
}

/* ---- constructor strings ---- */

function parseConstructorString(input) {
  var t = tokenize(input, true), tokens = t.tokens, cp = t.cp, ntok = tokens.length;
  var result = newInit();
  var componentStart = 0, tokenIndex = 0, tokenIncrement = 1, groupDepth = 0;
  var hostnameIPv6BracketDepth = 0, protocolMatchesSpecialScheme = false, state = 'init';

  function safeToken(i) { return i < ntok ? tokens[i] : tokens[ntok - 1]; }
  function isNonSpecialPatternChar(i, value) {
    var tok = safeToken(i);
    if (tok.value !== value) return false;
    return tok.type === 'char' || tok.type === 'escaped-char' || tok.type === 'invalid-char';
  }
  function is(value) { return isNonSpecialPatternChar(tokenIndex, value); }
  function isSearchPrefix() {
    if (is('?')) return true;
    if (tokens[tokenIndex].value !== '?') return false;
    if (tokenIndex - 1 < 0) return true;
    var prev = safeToken(tokenIndex - 1);
    return !(prev.type === 'name' || prev.type === 'regexp' || prev.type === 'close' ||
             prev.type === 'asterisk');
  }
  function makeComponentString() {
    var tok = tokens[tokenIndex];
    return cpStr(cp, safeToken(componentStart).index, tok.index);
  }
  function among(s, list) {
    for (var i = 0; i < list.length; i++) if (list[i] === s) return true;
    return false;
  }
  function changeState(newState, skip) {
    if (state !== 'init' && state !== 'authority' && state !== 'done')
      result[state] = makeComponentString();
    if (state !== 'init' && newState !== 'done') {
      if (among(state, ['protocol', 'authority', 'username', 'password']) &&
          among(newState, ['port', 'pathname', 'search', 'hash']) && result.hostname === undef)
        result.hostname = '';
      if (among(state, ['protocol', 'authority', 'username', 'password', 'hostname', 'port']) &&
          among(newState, ['search', 'hash']) && result.pathname === undef)
        result.pathname = protocolMatchesSpecialScheme ? '/' : '';
      if (among(state, ['protocol', 'authority', 'username', 'password', 'hostname', 'port',
                        'pathname']) &&
          newState === 'hash' && result.search === undef)
        result.search = '';
    }
    state = newState;
    tokenIndex += skip;
    componentStart = tokenIndex;
    tokenIncrement = 0;
  }
  function rewind() {
    tokenIndex = componentStart;
    tokenIncrement = 0;
  }
  function rewindAndSetState(s) {
    rewind();
    state = s;
  }

  while (tokenIndex < ntok) {
    tokenIncrement = 1;
    if (tokens[tokenIndex].type === 'end') {
      if (state === 'init') {
        rewind();
        if (is('#')) changeState('hash', 1);
        else if (isSearchPrefix()) changeState('search', 1);
        else changeState('pathname', 0);
        tokenIndex += tokenIncrement;
        continue;
      }
      if (state === 'authority') {
        rewindAndSetState('hostname');
        tokenIndex += tokenIncrement;
        continue;
      }
      changeState('done', 0);
      break;
    }
    if (tokens[tokenIndex].type === 'open') {
      groupDepth++;
      tokenIndex += tokenIncrement;
      continue;
    }
    if (groupDepth > 0) {
      if (tokens[tokenIndex].type === 'close') {
        groupDepth--;
      } else {
        tokenIndex += tokenIncrement;
        continue;
      }
    }
    switch (state) {
    case 'init':
      if (is(':')) rewindAndSetState('protocol');
      break;
    case 'protocol':
      if (is(':')) {
        var protocolComponent = compileComponent(makeComponentString(), ENCODE.protocol,
                                                 DEFAULT_OPTIONS);
        if (protocolComponentMatchesSpecialScheme(protocolComponent))
          protocolMatchesSpecialScheme = true;
        var nextState = 'pathname', skip = 1;
        if (isNonSpecialPatternChar(tokenIndex + 1, '/') &&
            isNonSpecialPatternChar(tokenIndex + 2, '/')) {
          nextState = 'authority';
          skip = 3;
        } else if (protocolMatchesSpecialScheme) {
          nextState = 'authority';
        }
        changeState(nextState, skip);
      }
      break;
    case 'authority':
      if (is('@')) rewindAndSetState('username');
      else if (is('/') || isSearchPrefix() || is('#')) rewindAndSetState('hostname');
      break;
    case 'username':
      if (is(':')) changeState('password', 1);
      else if (is('@')) changeState('hostname', 1);
      break;
    case 'password':
      if (is('@')) changeState('hostname', 1);
      break;
    case 'hostname':
      if (is('[')) hostnameIPv6BracketDepth++;
      else if (is(']')) hostnameIPv6BracketDepth--;
      else if (is(':') && hostnameIPv6BracketDepth === 0) changeState('port', 1);
      else if (is('/')) changeState('pathname', 0);
      else if (isSearchPrefix()) changeState('search', 1);
      else if (is('#')) changeState('hash', 1);
      break;
    case 'port':
      if (is('/')) changeState('pathname', 0);
      else if (isSearchPrefix()) changeState('search', 1);
      else if (is('#')) changeState('hash', 1);
      break;
    case 'pathname':
      if (isSearchPrefix()) changeState('search', 1);
      else if (is('#')) changeState('hash', 1);
      break;
    case 'search':
      if (is('#')) changeState('hash', 1);
      break;
    default:
      break;
    }
    tokenIndex += tokenIncrement;
  }
  if (result.hostname !== undef && result.port === undef) result.port = '';
  return result;
}

/* ---- URLPatternInit ---- */

function newInit() {
  return { protocol: undef, username: undef, password: undef, hostname: undef, port: undef,
           pathname: undef, search: undef, hash: undef, baseURL: undef };
}

/* The URLPatternInit dictionary from a JavaScript value (members read in WebIDL's
 * lexicographic order). */
var INIT_MEMBERS = ['baseURL', 'hash', 'hostname', 'password', 'pathname', 'port', 'protocol',
                    'search', 'username'];
function toInit(v) {
  var init = newInit();
  if (v === undef || v === null) return init;
  /* (locals: a variable of the enclosing function costs a scope lookup per read) */
  for (var i = 0, members = INIT_MEMBERS, n = members.length; i < n; i++) {
    var x = v[members[i]];
    if (x !== void 0) init[members[i]] = toUSV(x);
  }
  return init;
}
/* The dictionary back as a JavaScript object (the `inputs` of a result). */
function fromInit(init) {
  var o = {};
  for (var i = 0; i < INIT_MEMBERS.length; i++)
    if (init[INIT_MEMBERS[i]] !== undef) put(o, INIT_MEMBERS[i], init[INIT_MEMBERS[i]]);
  return o;
}

function lastSlash(s) {
  for (var i = s.length - 1; i >= 0; i--) if (s[i] === '/') return i;
  return -1;
}

function isAbsolutePathname(input, type) {
  if (input === '') return false;
  if (input[0] === '/') return true;
  if (type === 'url') return false;
  if (input.length < 2) return false;
  return (input[0] === '\\' || input[0] === '{') && input[1] === '/';
}

/* process a URLPatternInit. defaults: whether the components start as empty strings
 * ("url", from match) rather than absent ("pattern"). */
function processInit(init, type, defaults) {
  var result = newInit();
  var isPattern = type === 'pattern';
  function baseString(s) { return isPattern ? escapePatternString(s) : s; }
  function has(k) { return init[k] !== undef; }
  if (defaults)
    for (var i = 0; i < COMPONENTS.length; i++) result[COMPONENTS[i]] = '';
  var base = null;
  if (has('baseURL')) {
    base = parseURL(init.baseURL, undef);
    if (base === null) throw fail('invalid baseURL "' + init.baseURL + '"');
    if (!has('protocol')) result.protocol = baseString(base[0]);
    if (!isPattern && !has('protocol') && !has('hostname') && !has('port') && !has('username'))
      result.username = baseString(base[1]);
    if (!isPattern && !has('protocol') && !has('hostname') && !has('port') &&
        !has('username') && !has('password'))
      result.password = baseString(base[2]);
    if (!has('protocol') && !has('hostname')) result.hostname = baseString(base[3]);
    if (!has('protocol') && !has('hostname') && !has('port')) result.port = base[4];
    if (!has('protocol') && !has('hostname') && !has('port') && !has('pathname'))
      result.pathname = baseString(base[5]);
    if (!has('protocol') && !has('hostname') && !has('port') && !has('pathname') &&
        !has('search'))
      result.search = baseString(base[6]);
    if (!has('protocol') && !has('hostname') && !has('port') && !has('pathname') &&
        !has('search') && !has('hash'))
      result.hash = baseString(base[7]);
  }
  if (has('protocol')) {
    var protocol = init.protocol;
    if (protocol.length > 0 && protocol[protocol.length - 1] === ':')
      protocol = sub(protocol, 0, protocol.length - 1);
    result.protocol = isPattern ? protocol : canonicalize('protocol', protocol, undef);
  }
  if (has('username'))
    result.username = isPattern ? init.username : canonicalize('username', init.username, undef);
  if (has('password'))
    result.password = isPattern ? init.password : canonicalize('password', init.password, undef);
  if (has('hostname'))
    result.hostname = isPattern ? init.hostname : canonicalize('hostname', init.hostname, undef);
  if (has('port'))
    result.port = isPattern ? init.port : canonicalize('port', init.port, result.protocol);
  if (has('pathname')) {
    result.pathname = init.pathname;
    /* a relative pathname resolves against the base URL's directory (when the base has a
     * hierarchical path: the Standard's text says "has an opaque path", an inverted
     * condition that Node and browsers do not follow) */
    if (base !== null && !base[8] && !isAbsolutePathname(result.pathname, type)) {
      var baseURLPath = baseString(base[5]);
      var slash = lastSlash(baseURLPath);
      if (slash >= 0) result.pathname = sub(baseURLPath, 0, slash + 1) + result.pathname;
    }
    if (!isPattern) {
      if (isSpecialScheme(result.protocol) || result.protocol === '')
        result.pathname = canonicalize('pathname', result.pathname, undef);
      else
        result.pathname = canonicalize('opaquePathname', result.pathname, undef);
    }
  }
  if (has('search')) {
    var search = init.search;
    if (search.length > 0 && search[0] === '?') search = sub(search, 1, search.length);
    result.search = isPattern ? search : canonicalize('search', search, undef);
  }
  if (has('hash')) {
    var hash = init.hash;
    if (hash.length > 0 && hash[0] === '#') hash = sub(hash, 1, hash.length);
    result.hash = isPattern ? hash : canonicalize('hash', hash, undef);
  }
  return result;
}

/* ---- URL patterns ---- */

/* URL pattern records by input, base URL and ignoreCase, for a pattern built again (a
 * router that builds its patterns per request). Like the compiled components, the records
 * are never written after create makes them. */
var PATTERN_KEY_MAX = 512;
var patterns = newTable();

/* the record's key in patterns (every string length-prefixed, so no two inputs share one),
 * or null when the input is too long to keep */
function patternKey(input, baseURL, ignoreCase) {
  var key = ignoreCase ? '1' : '0', size = 0, max = PATTERN_KEY_MAX, i, v;
  if (typeof input === 'string') {
    size = input.length + (baseURL === null ? 0 : baseURL.length);
    if (size > max) return null;
    return key + 's' + (baseURL === null ? '-' : baseURL.length + ':' + baseURL) + input;
  }
  var members = INIT_MEMBERS, n = members.length;
  for (i = 0; i < n; i++) {
    v = input[members[i]];
    if (v !== void 0) size += v.length;
  }
  if (size > max) return null;
  key += 'd';
  for (i = 0; i < n; i++) {
    v = input[members[i]];
    key += v === void 0 ? '-' : v.length + ':' + v;
  }
  return key;
}

/* create: the URL pattern record of input (a string or a URLPatternInit record from
 * toInit), baseURL (a string or null) and ignoreCase */
function create(input, baseURL, ignoreCase) {
  if (typeof input !== 'string' && baseURL !== null)
    throw fail('a base URL cannot be given with a URLPatternInit');
  var key = patternKey(input, baseURL, ignoreCase);
  var p = tableGet(patterns, key);
  if (p === undef) {
    p = createUncached(input, baseURL, ignoreCase);
    tablePut(patterns, key, p);
  }
  return p;
}

function createUncached(input, baseURL, ignoreCase) {
  var init;
  if (typeof input === 'string') {
    init = parseConstructorString(input);
    if (baseURL === null && init.protocol === undef)
      throw fail('"' + input + '" is relative and no base URL was given');
    if (baseURL !== null) init.baseURL = baseURL;
  } else {
    init = input; /* (create refused a base URL with a dictionary) */
  }
  var processed = processInit(init, 'pattern', false);
  for (var i = 0; i < COMPONENTS.length; i++)
    if (processed[COMPONENTS[i]] === undef) processed[COMPONENTS[i]] = '*';
  if (isSpecialScheme(processed.protocol) && processed.port === DEFAULT_PORT[processed.protocol])
    processed.port = '';
  var protocol = compileComponent(processed.protocol, ENCODE.protocol, DEFAULT_OPTIONS);
  var username = compileComponent(processed.username, ENCODE.username, DEFAULT_OPTIONS);
  var password = compileComponent(processed.password, ENCODE.password, DEFAULT_OPTIONS);
  var hostname;
  if (hostnamePatternIsIPv6(processed.hostname))
    hostname = compileComponent(processed.hostname, canonicalizeIPv6Hostname, HOSTNAME_OPTIONS);
  else
    hostname = compileComponent(processed.hostname, ENCODE.hostname, HOSTNAME_OPTIONS);
  var port = compileComponent(processed.port, ENCODE.port, DEFAULT_OPTIONS);
  var compileOptions = { delimiter: '', prefix: '', ignoreCase: ignoreCase };
  var pathname;
  if (protocolComponentMatchesSpecialScheme(protocol))
    pathname = compileComponent(processed.pathname, ENCODE.pathname,
                                { delimiter: '/', prefix: '/', ignoreCase: ignoreCase });
  else
    pathname = compileComponent(processed.pathname, ENCODE.opaquePathname, compileOptions);
  var search = compileComponent(processed.search, ENCODE.search, compileOptions);
  var hash = compileComponent(processed.hash, ENCODE.hash, compileOptions);
  /* a literal: assignments could meet setters a script put on Object.prototype */
  var p = { brand: 'URLPattern', protocol: protocol, username: username, password: password,
            hostname: hostname, port: port, pathname: pathname, search: search, hash: hash };
  return p;
}

/* match: the URLPatternResult or null. input is a string or a URLPatternInit record. */
function match(p, input, baseURL, baseGiven) {
  var values, inputs = [];
  if (typeof input !== 'string') {
    if (baseGiven) throw N.typeError('Invalid URLPattern input: a base URL cannot be given ' +
                                     'with a URLPatternInit');
    put(inputs, 0, fromInit(input));
    try {
      values = processInit(input, 'url', true);
    } catch (e) {
      if (e !== lastFail) throw e;
      return null;
    }
  } else {
    put(inputs, 0, input);
    if (baseGiven) put(inputs, 1, baseURL);
    var url = parseURL(input, baseGiven ? baseURL : undef);
    if (url === null) return null;
    values = { protocol: url[0], username: url[1], password: url[2], hostname: url[3],
               port: url[4], pathname: url[5], search: url[6], hash: url[7] };
  }
  var execs = [];
  for (var i = 0; i < COMPONENTS.length; i++) {
    var name = COMPONENTS[i];
    put(execs, i, execRegExp(p[name].regexp, values[name]));
    if (execs[i] === null) return null;
  }
  /* A WebIDL dictionary becomes an object with its members in lexicographic order. */
  var result = {}, order = ['hash', 'hostname', 'inputs', 'password', 'pathname', 'port',
                            'protocol', 'search', 'username'];
  for (i = 0; i < order.length; i++) {
    if (order[i] === 'inputs') {
      put(result, 'inputs', inputs);
      continue;
    }
    var component = p[order[i]], exec = execs[COMPONENT_INDEX[order[i]]], groups = {};
    for (var k = 1; k < exec.length; k++) put(groups, component.names[k - 1], exec[k]);
    put(result, order[i], { groups: groups, input: values[order[i]] });
  }
  return result;
}

/* ---- the class ---- */

function slots(o) {
  var s = isObject(o) ? o[K] : undef;
  if (!s || s.brand !== 'URLPattern') throw N.typeError('Illegal invocation');
  return s;
}

/* URLPatternInput: a dictionary for undefined, null and objects, else a string */
function toInput(v) {
  if (v === undef || v === null || isObject(v)) return toInit(v);
  return toUSV(v);
}

/* The constructor's steps, with WebIDL's overload resolution: with two arguments the
 * second is URLPatternOptions when undefined, null or an object, else the base URL; with
 * three it is always the base URL. */
function init(self, argc, input, second, third) {
  var baseURL = null, options;
  var converted = toInput(input);
  if (argc >= 3) {
    baseURL = toUSV(second);
    options = third;
  } else if (argc === 2) {
    if (second === undef || second === null || isObject(second)) options = second;
    else baseURL = toUSV(second);
  }
  var ignoreCase = false;
  if (options !== undef && options !== null) {
    if (!isObject(options))
      throw N.typeError('Failed to construct \'URLPattern\': The provided options are not ' +
                        'an object');
    ignoreCase = !!options.ignoreCase;
  }
  self[K] = create(converted, baseURL, ignoreCase);
}

var proto = {};
N.tag(proto, 'URLPattern'); /* WebIDL's class string */
function defineGetter(name) {
  N.getter(proto, name, function () { return slots(this)[name].pattern; });
}
for (var i = 0; i < COMPONENTS.length; i++) defineGetter(COMPONENTS[i]);
N.getter(proto, 'hasRegExpGroups', function () {
  var s = slots(this);
  for (var j = 0; j < COMPONENTS.length; j++) if (s[COMPONENTS[j]].hasRegExpGroups) return true;
  return false;
});
function matchArgs(self, args) {
  var p = slots(self);
  var input = toInput(args.length > 0 ? args[0] : undef);
  var baseGiven = args.length > 1 && args[1] !== undef;
  var baseURL = baseGiven ? toUSV(args[1]) : undef;
  return match(p, input, baseURL, baseGiven);
}
N.operation(proto, 'exec', function () { return matchArgs(this, arguments); }, 0);
N.operation(proto, 'test', function () { return matchArgs(this, arguments) !== null; }, 0);

return { proto: proto, init: init };
})
