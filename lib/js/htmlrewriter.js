/* HTMLRewriter (Cloudflare Workers) in ES5 for the sandbox, modelled on lol-html's
 * observable behaviour. The file is one function expression that receives `N`, the natives
 * of lib/js/htmlrewriter.c, and returns { proto, init }: HTMLRewriter.prototype and the
 * constructor's steps. Loaded into a heap the first time a script reads HTMLRewriter.
 *
 * Scripts run before this loads and may have replaced Response, TextDecoder, Promise and
 * built-in methods, so substrings, code units, joins, escaping, encoding, calls, the body
 * stream and the Response come from N. The one built-in method it calls is push, on its
 * own arrays: a script that replaced Array.prototype.push can break only its own
 * rewriting (it sees the handler lists and content pieces it could compute itself).
 *
 * Pipeline: body bytes -> UTF-8 decoder (streaming) -> tokenizer over the unprocessed tail
 * plus the new text -> one token at a time through the open-element stack, selector
 * matching and handlers (a handler returning a thenable suspends processing until it
 * settles) -> output pieces, joined and encoded once per input chunk. */
(function (N) {
'use strict';

var undef;
var sub = N.sub, codes = N.codes, find = N.find, join = N.join, lower = N.lower;
var scanTag = N.scanTag;
var escape = N.escape, call = N.call;
var iterKey = N.iterator;

var NS_HTML = 'http://www.w3.org/1999/xhtml';
var NS_SVG = 'http://www.w3.org/2000/svg';
var NS_MATH = 'http://www.w3.org/1998/Math/MathML';

/* Name sets and counters are plain objects with '$'-prefixed keys: no built-in property of
 * Object.prototype can be mistaken for an entry. */
function set(list) { var o = {}; for (var i = 0; i < list.length; i++) o['$' + list[i]] = true; return o; }
var VOID = set(['area', 'base', 'basefont', 'bgsound', 'br', 'col', 'embed', 'frame', 'hr',
  'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
var RAWTEXT = set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed',
  'noframes', 'noscript']);

var MATH_TEXT = set(['mi', 'mo', 'mn', 'ms', 'mtext']);

function isWs(c) { return c === 32 || c === 9 || c === 10 || c === 12 || c === 13; }
function isAlpha(c) { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122); }

/* ---- tokenizer ---- */

var T_TEXT = 1, T_START = 2, T_END = 3, T_COMMENT = 4, T_DOCTYPE = 5, T_RAW = 6;

/* A tokenizer over text fed in pieces. next() returns a token or null (needs more input,
 * or at the end nothing is left). Text is returned in chunks as lol-html does: up to the
 * end of the available input, with a '<' that starts no markup as a chunk of its own, and
 * an empty chunk with last = true when the text node ends. nsOf() tells the namespace of
 * the current element (raw text and self-closing depend on it). */
function Tokenizer(nsOf) {
  this.buf = '';
  this.cs = codes('');
  this.pos = 0;
  this.eof = false;
  this.raw = null; /* the element name whose end tag ends raw text, or null */
  this.plain = false;
  this.inText = false;
  this.nsOf = nsOf;
}
Tokenizer.prototype.feed = function (s, eof) {
  var rest = this.pos < this.buf.length ? sub(this.buf, this.pos, this.buf.length) : '';
  this.buf = rest + s;
  this.cs = codes(this.buf);
  this.pos = 0;
  if (eof) this.eof = true;
};
Tokenizer.prototype.text = function (a, b) {
  this.pos = b;
  this.inText = true;
  return { type: T_TEXT, text: sub(this.buf, a, b), last: false };
};
Tokenizer.prototype.endText = function () {
  this.inText = false;
  return { type: T_TEXT, text: '', last: true };
};
Tokenizer.prototype.next = function () {
  var cs = this.cs, n = cs.length, i = this.pos, j, t;
  if (i >= n) return this.eof && this.inText ? this.endText() : null;
  if (this.plain) return this.text(i, n);
  if (cs[i] !== 60) {
    j = find(cs, i, 60);
    return this.text(i, j < 0 ? n : j);
  }
  t = this.raw ? this.rawMarkup(i) : this.markup(i);
  if (t === null) {
    /* Unfinished markup: wait for more, or at the end pass it through unchanged. */
    if (!this.eof) return null;
    if (this.inText) return this.endText();
    t = { type: T_RAW, raw: sub(this.buf, i, n), end: n };
  }
  if (t.type === T_TEXT) return this.text(i, t.end);
  if (this.inText && t.type !== T_RAW) return this.endText();
  this.pos = t.end;
  /* the text mode changes only once the tag is consumed (it may be seen twice: first
   * ending the text node before it) */
  if (t.type === T_END) this.raw = null;
  else if (t.type === T_START && t.ns === NS_HTML) {
    if (RAWTEXT['$' + t.name] === true) this.raw = t.name;
    else if (t.name === 'plaintext') this.plain = true;
  }
  return t;
};

/* In raw text only the end tag of the element ends it; "</" and the letters after it that
 * do not make that end tag are one text chunk, a lone '<' another. */
Tokenizer.prototype.rawMarkup = function (i) {
  var cs = this.cs, n = cs.length, name = this.raw, k = i + 1;
  if (k >= n) return null;
  if (cs[k] !== 47) return { type: T_TEXT, end: i + 1 };
  k++;
  var a = k;
  while (k < n && isAlpha(cs[k])) k++;
  if (k >= n) return null;
  if (k > a && lower(sub(this.buf, a, k)) === name &&
      (isWs(cs[k]) || cs[k] === 47 || cs[k] === 62)) {
    return this.markup(i);
  }
  return { type: T_TEXT, end: k };
};

/* Markup at i (a '<'): a token, a text token for a '<' that starts none, or null when the
 * input ends before the token does. */
Tokenizer.prototype.markup = function (i) {
  var cs = this.cs, n = cs.length, buf = this.buf, k, c;
  if (i + 1 >= n) return null;
  c = cs[i + 1];
  if (c === 33) { /* <! */
    if (i + 3 >= n) return null;
    if (cs[i + 2] === 45 && cs[i + 3] === 45) return this.comment(i);
    if (i + 9 > n) {
      /* maybe the start of DOCTYPE or [CDATA[ */
      return null;
    }
    var word = lower(sub(buf, i + 2, i + 9));
    if (word === 'doctype') return this.doctype(i);
    return this.bogus(i, i + 2);
  }
  if (c === 63) return this.bogus(i, i + 1); /* <? */
  if (c === 47) { /* </ */
    if (i + 2 >= n) return null;
    c = cs[i + 2];
    if (c === 62) return { type: T_RAW, raw: '</>', end: i + 3 };
    if (!isAlpha(c)) return this.bogus(i, i + 2);
    return this.tag(i, i + 2, true);
  }
  if (isAlpha(c)) return this.tag(i, i + 1, false);
  return { type: T_TEXT, end: i + 1 };
};

Tokenizer.prototype.bogus = function (i, a) {
  var k = find(this.cs, a, 62);
  if (k < 0) return null;
  return { type: T_COMMENT, text: sub(this.buf, a, k), raw: sub(this.buf, i, k + 1), end: k + 1,
           bogus: true };
};

Tokenizer.prototype.comment = function (i) {
  var cs = this.cs, n = cs.length, a = i + 4, k = a;
  if (k < n && cs[k] === 62) return { type: T_COMMENT, text: '', raw: '<!-->', end: k + 1 };
  if (k + 1 < n && cs[k] === 45 && cs[k + 1] === 62)
    return { type: T_COMMENT, text: '', raw: '<!--->', end: k + 2 };
  for (;;) {
    k = find(cs, k, 62);
    if (k < 0) return null;
    if (cs[k - 1] === 45 && cs[k - 2] === 45 && k - 2 >= a)
      return { type: T_COMMENT, text: sub(this.buf, a, k - 2), raw: sub(this.buf, i, k + 1),
               end: k + 1 };
    if (cs[k - 1] === 33 && cs[k - 2] === 45 && cs[k - 3] === 45 && k - 3 >= a)
      return { type: T_COMMENT, text: sub(this.buf, a, k - 3), raw: sub(this.buf, i, k + 1),
               end: k + 1 };
    k++;
  }
};

Tokenizer.prototype.doctype = function (i) {
  var cs = this.cs, buf = this.buf, k = find(cs, i + 9, 62);
  if (k < 0) return null;
  var p = i + 9, name = null, pub = null, sys = null, a;
  while (p < k && isWs(cs[p])) p++;
  a = p;
  while (p < k && !isWs(cs[p])) p++;
  if (p > a) name = lower(sub(buf, a, p));
  function quoted() {
    while (p < k && isWs(cs[p])) p++;
    if (p < k && (cs[p] === 34 || cs[p] === 39)) {
      var q = cs[p], b = ++p;
      while (p < k && cs[p] !== q) p++;
      var v = sub(buf, b, p);
      if (p < k) p++;
      return v;
    }
    return null;
  }
  while (p < k && isWs(cs[p])) p++;
  a = p;
  while (p < k && isAlpha(cs[p])) p++;
  var kw = lower(sub(buf, a, p));
  if (kw === 'public') { pub = quoted(); sys = quoted(); }
  else if (kw === 'system') sys = quoted();
  return { type: T_DOCTYPE, name: name, publicId: pub, systemId: sys,
           raw: sub(buf, i, k + 1), end: k + 1 };
};

/* A start or end tag from the name at a; attributes keep their raw text (lol-html writes
 * unmodified attributes back as they were). */
Tokenizer.prototype.tag = function (i, a, isEnd) {
  /* The scan is native (N.scanTag: the rules, character by character, are there); this
   * makes the token from the spans it gives. */
  var buf = this.buf, r = scanTag(this.cs, a);
  if (r === undef) return null;
  var k = r[0], selfClosing = r[1] === 1, rawName = sub(buf, a, r[2]), attrs = [], na = 0;
  for (var j = 3; j < r.length; j += 5) {
    attrs[na++] = { name: lower(sub(buf, r[j], r[j + 1])),
                    value: r[j + 2] >= 0 ? sub(buf, r[j + 2], r[j + 3]) : '',
                    raw: sub(buf, r[j], r[j + 4]) };
  }
  var name = lower(rawName);
  var t = { type: isEnd ? T_END : T_START, name: name, rawName: rawName, attrs: attrs,
            selfClosing: selfClosing, raw: sub(buf, i, k), end: k };
  if (!isEnd) {
    var ns = name === 'svg' ? NS_SVG : name === 'math' ? NS_MATH : this.nsOf();
    /* as lol-html reports them: MathML's text integration points are HTML elements */
    if (ns === NS_MATH && MATH_TEXT['$' + name] === true) ns = NS_HTML;
    t.ns = ns;
  }
  return t;
};

/* ---- selectors ---- */

function selectorError(msg) { return N.typeError('Parser error: ' + msg); }

/* Parses a selector list into [[compound, combinator, compound, ...], ...] where a compound
 * is { tag, attrs: [{name, op, value, i}], nth: [{a, b, type}], not: [compound] }. */
function parseSelector(src) {
  var s = '' + src, cs = codes(s), n = cs.length, p = 0;
  function ws() { var q = p; while (p < n && isWs(cs[p])) p++; return p > q; }
  function isIdent(c) {
    return isAlpha(c) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c >= 128 || c === 92;
  }
  function ident() {
    var a = p, out = [], k = 0, b = p;
    while (p < n && isIdent(cs[p])) {
      if (cs[p] === 92) {
        out[k++] = sub(s, b, p);
        p++;
        if (p >= n) throw selectorError('Unexpected end of selector.');
        b = p;
      }
      p++;
    }
    if (p === a) return null;
    out[k++] = sub(s, b, p);
    return join(out, k);
  }
  function string() {
    var q = cs[p], a = ++p;
    while (p < n && cs[p] !== q) p++;
    if (p >= n) throw selectorError('Unexpected end of selector.');
    return sub(s, a, p++);
  }
  function nth() {
    var a = p;
    while (p < n && cs[p] !== 41) p++;
    if (p >= n) throw selectorError('Unexpected end of selector.');
    var t = lower(sub(s, a, p)), tc = codes(t), m = tc.length, k = 0, A = 0, B = 0, sign = 1, num;
    p++;
    function skip() { while (k < m && isWs(tc[k])) k++; }
    function digits() {
      var v = 0, d = 0;
      while (k < m && tc[k] >= 48 && tc[k] <= 57) { v = v * 10 + tc[k] - 48; k++; d++; }
      return d ? v : -1;
    }
    skip();
    if (t === 'odd' || sub(t, k, k + 3) === 'odd') { A = 2; B = 1; k += 3; }
    else if (sub(t, k, k + 4) === 'even') { A = 2; B = 0; k += 4; }
    else {
      if (k < m && (tc[k] === 43 || tc[k] === 45)) { sign = tc[k] === 45 ? -1 : 1; k++; }
      num = digits();
      if (k < m && tc[k] === 110) {
        A = sign * (num < 0 ? 1 : num);
        k++;
        skip();
        if (k < m && (tc[k] === 43 || tc[k] === 45)) {
          sign = tc[k] === 45 ? -1 : 1;
          k++;
          skip();
          num = digits();
          if (num < 0) throw selectorError('Invalid nth expression.');
          B = sign * num;
        }
      } else {
        if (num < 0) throw selectorError('Invalid nth expression.');
        B = sign * num;
      }
    }
    skip();
    if (k !== m) throw selectorError('Invalid nth expression.');
    return { a: A, b: B };
  }
  function compound(inNot) {
    var c = { tag: null, attrs: [], nth: [], not: [] }, any = false, v;
    if (p < n && cs[p] === 42) { p++; any = true; }
    else if ((v = ident()) !== null) { c.tag = lower(v); any = true; }
    for (;;) {
      if (p >= n) break;
      var ch = cs[p];
      if (ch === 35 || ch === 46) {
        p++;
        v = ident();
        if (v === null) throw selectorError(p >= n ? 'Unexpected end of selector.'
                                                     : 'Invalid selector.');
        c.attrs.push(ch === 35 ? { name: 'id', op: '=', value: v, i: false }
                               : { name: 'class', op: '~=', value: v, i: false });
      } else if (ch === 91) {
        p++;
        ws();
        var name = ident();
        if (name === null) throw selectorError(p >= n ? 'Unexpected end of selector.'
                                                        : 'Invalid selector.');
        ws();
        var at = { name: lower(name), op: null, value: null, i: false };
        if (p >= n) throw selectorError('Unexpected end of selector.');
        if (cs[p] !== 93) {
          var op = cs[p];
          if (op === 61) { at.op = '='; p++; }
          else if ((op === 126 || op === 94 || op === 36 || op === 42 || op === 124) &&
                   p + 1 < n && cs[p + 1] === 61) {
            at.op = sub(s, p, p + 2);
            p += 2;
          } else throw selectorError('Invalid selector.');
          ws();
          if (p >= n) throw selectorError('Unexpected end of selector.');
          if (cs[p] === 34 || cs[p] === 39) at.value = string();
          else {
            at.value = ident();
            if (at.value === null) throw selectorError('Invalid selector.');
          }
          ws();
          if (p < n && (cs[p] === 105 || cs[p] === 73 || cs[p] === 115 || cs[p] === 83)) {
            at.i = cs[p] === 105 || cs[p] === 73;
            p++;
            ws();
          }
          if (p >= n) throw selectorError('Unexpected end of selector.');
          if (cs[p] !== 93) throw selectorError('Invalid selector.');
        }
        p++;
        c.attrs.push(at);
      } else if (ch === 58) {
        p++;
        if (p < n && cs[p] === 58)
          throw selectorError('Unsupported pseudo-class or pseudo-element in selector.');
        var pn = ident();
        if (pn === null) throw selectorError(p >= n ? 'Unexpected end of selector.'
                                                      : 'Invalid selector.');
        pn = lower(pn);
        if (pn === 'first-child') c.nth.push({ a: 0, b: 1, type: false });
        else if (pn === 'first-of-type') c.nth.push({ a: 0, b: 1, type: true });
        else if ((pn === 'nth-child' || pn === 'nth-of-type') && p < n && cs[p] === 40) {
          p++;
          var e = nth();
          e.type = pn === 'nth-of-type';
          c.nth.push(e);
        } else if (pn === 'not' && p < n && cs[p] === 40 && !inNot) {
          p++;
          ws();
          var inner = compound(true);
          ws();
          if (p >= n) throw selectorError('Unexpected end of selector.');
          if (cs[p] !== 41) throw selectorError('Invalid selector.');
          p++;
          c.not.push(inner);
        } else {
          throw selectorError('Unsupported pseudo-class or pseudo-element in selector.');
        }
      } else break;
      any = true;
    }
    if (!any) throw selectorError(p >= n ? 'Unexpected end of selector.' : 'Invalid selector.');
    return c;
  }
  var list = [];
  ws();
  for (;;) {
    var cx = [compound(false)];
    for (;;) {
      var hadWs = ws();
      if (p >= n || cs[p] === 44) break;
      if (cs[p] === 62) { p++; ws(); cx.push('>'); }
      else if (cs[p] === 43 || cs[p] === 126)
        throw selectorError('Unsupported combinator in selector.');
      else if (hadWs) cx.push(' ');
      else throw selectorError('Invalid selector.');
      cx.push(compound(false));
    }
    list.push(cx);
    if (p >= n) break;
    p++; /* ',' */
    ws();
  }
  return list;
}

function attrOf(attrs, name) {
  for (var i = 0; i < attrs.length; i++) if (attrs[i].name === name) return attrs[i].value;
  return null;
}
function startsWith(s, v) { return s.length >= v.length && sub(s, 0, v.length) === v; }
function endsWith(s, v) { return s.length >= v.length && sub(s, s.length - v.length, s.length) === v; }
function contains(s, v) {
  var n = s.length - v.length;
  for (var i = 0; i <= n; i++) if (sub(s, i, i + v.length) === v) return true;
  return false;
}
function hasWord(s, v) {
  var cs = codes(s), n = cs.length, i = 0;
  if (v === '') return false;
  while (i < n) {
    while (i < n && isWs(cs[i])) i++;
    var a = i;
    while (i < n && !isWs(cs[i])) i++;
    if (i > a && sub(s, a, i) === v) return true;
  }
  return false;
}
function attrMatch(at, attrs) {
  var v = attrOf(attrs, at.name);
  if (v === null) return false;
  if (at.op === null) return true;
  var w = at.value;
  if (at.i) { v = lower(v); w = lower(w); }
  switch (at.op) {
    case '=': return v === w;
    case '~=': return hasWord(v, w);
    case '^=': return w !== '' && startsWith(v, w);
    case '$=': return w !== '' && endsWith(v, w);
    case '*=': return w !== '' && contains(v, w);
    case '|=': return v === w || startsWith(v, w + '-');
  }
  return false;
}
function nthMatch(a, b, i) {
  if (a === 0) return i === b;
  var d = i - b;
  return d % a === 0 && d / a >= 0;
}
function compoundMatch(c, e) {
  var i;
  if (c.tag !== null && c.tag !== e.name) return false;
  for (i = 0; i < c.attrs.length; i++) if (!attrMatch(c.attrs[i], e.attrs)) return false;
  for (i = 0; i < c.nth.length; i++) {
    var t = c.nth[i];
    if (!nthMatch(t.a, t.b, t.type ? e.typeIndex : e.index)) return false;
  }
  for (i = 0; i < c.not.length; i++) if (compoundMatch(c.not[i], e)) return false;
  return true;
}
/* The complex selector cx (compounds at even indices) ending at compound k matches the
 * entry e whose ancestors are stack[1, depth) (stack[0] is the document) */
function complexMatch(cx, k, e, stack, depth) {
  if (!compoundMatch(cx[k], e)) return false;
  if (k === 0) return true;
  var comb = cx[k - 1];
  if (comb === '>') return depth > 1 && complexMatch(cx, k - 2, stack[depth - 1], stack, depth - 1);
  for (var d = depth - 1; d >= 1; d--)
    if (complexMatch(cx, k - 2, stack[d], stack, d)) return true;
  return false;
}
function selectorMatch(list, e, stack, depth) {
  for (var i = 0; i < list.length; i++)
    if (complexMatch(list[i], list[i].length - 1, e, stack, depth)) return true;
  return false;
}

/* ---- content and the objects handlers see ---- */

function content(c, opts) {
  var s = '' + c;
  var html = opts !== undef && opts !== null && !!opts.html;
  return html ? s : escape(s, false);
}

var K = N.K;
function slot(o, name) {
  var r = o !== null && typeof o === 'object' ? o[K] : undef;
  if (!r || r.kind !== name) throw N.typeError('Illegal invocation');
  return r;
}
function proto(methods, getters, setters) {
  var p = {};
  var k;
  for (k in methods) N.operation(p, k, methods[k], methods[k].length);
  for (k in getters) N.accessor(p, k, getters[k], setters && setters[k]);
  return p;
}
function make(p, rec) { var o = N.create(p); o[K] = rec; return o; }

/* Element */
function mods() {
  return { before: [], after: [], prepend: [], append: [], replacement: [], removeTags: false,
           removeContent: false, removed: false, endHandler: null, renamed: null };
}
var ElementProto = proto({
  getAttribute: function (name) {
    var r = slot(this, 'Element'), v = attrOf(r.attrs, lower('' + name));
    return v;
  },
  hasAttribute: function (name) {
    return attrOf(slot(this, 'Element').attrs, lower('' + name)) !== null;
  },
  setAttribute: function (name, value) {
    var r = slot(this, 'Element'), nm = '' + name, l = lower(nm), v = '' + value;
    r.dirty = true;
    for (var i = 0; i < r.attrs.length; i++) {
      var a = r.attrs[i];
      if (a.name === l) {
        a.value = v;
        /* the name as written, the value in double quotes */
        var cs = codes(a.raw), k = 0;
        while (k < cs.length && cs[k] !== 61 && !isWs(cs[k])) k++;
        if (k === 0) k = cs.length;
        a.raw = sub(a.raw, 0, k) + '="' + escape(v, true) + '"';
        return;
      }
    }
    r.attrs.push({ name: l, value: v, raw: nm + '="' + escape(v, true) + '"' });
  },
  removeAttribute: function (name) {
    var r = slot(this, 'Element'), l = lower('' + name), out = [], k = 0;
    for (var i = 0; i < r.attrs.length; i++) {
      if (r.attrs[i].name === l) r.dirty = true; else out[k++] = r.attrs[i];
    }
    r.attrs = out;
  },
  before: function (c, o) { slot(this, 'Element').m.before.push(content(c, o)); },
  after: function (c, o) { slot(this, 'Element').m.after.unshift(content(c, o)); },
  prepend: function (c, o) {
    var r = slot(this, 'Element');
    if (r.canHaveContent) r.m.prepend.unshift(content(c, o));
  },
  append: function (c, o) {
    var r = slot(this, 'Element');
    if (r.canHaveContent) r.m.append.push(content(c, o));
  },
  setInnerContent: function (c, o) {
    var r = slot(this, 'Element');
    if (!r.canHaveContent) return;
    r.m.removeContent = true;
    r.m.prepend = [content(c, o)];
    r.m.append = [];
  },
  replace: function (c, o) {
    var m = slot(this, 'Element').m;
    m.removeTags = m.removeContent = m.removed = true;
    m.prepend = [];
    m.append = [];
    m.replacement = [content(c, o)];
  },
  remove: function () {
    var m = slot(this, 'Element').m;
    m.removeTags = m.removeContent = m.removed = true;
    m.prepend = [];
    m.append = [];
    m.replacement = [];
  },
  removeAndKeepContent: function () { slot(this, 'Element').m.removeTags = true; },
  onEndTag: function (h) {
    var r = slot(this, 'Element');
    if (typeof h !== 'function') throw N.typeError('onEndTag: handler must be a function');
    /* lol-html (as the oracle runs it) keeps the last handler registered */
    r.m.endHandler = h;
  }
}, {
  tagName: function () { return slot(this, 'Element').tagName; },
  attributes: function () {
    var list = slot(this, 'Element').attrs, i = 0, it = {};
    it.next = function () {
      if (i < list.length) { var a = list[i++]; return { value: [a.name, a.value], done: false }; }
      return { value: undef, done: true };
    };
    it[iterKey] = function () { return it; };
    return it;
  },
  namespaceURI: function () { return slot(this, 'Element').ns; },
  removed: function () { return slot(this, 'Element').m.removed; },
  selfClosing: function () { return slot(this, 'Element').selfClosing; },
  canHaveContent: function () { return slot(this, 'Element').canHaveContent; }
}, {
  tagName: function (v) {
    var r = slot(this, 'Element');
    r.tagName = '' + v;
    r.m.renamed = '' + v;
    r.dirty = true;
  }
});

/* EndTag */
var EndTagProto = proto({
  before: function (c, o) { slot(this, 'EndTag').before.push(content(c, o)); },
  after: function (c, o) { slot(this, 'EndTag').after.unshift(content(c, o)); },
  remove: function () { slot(this, 'EndTag').removed = true; }
}, {
  name: function () { return slot(this, 'EndTag').name; }
}, {
  name: function (v) { var r = slot(this, 'EndTag'); r.name = '' + v; r.renamed = true; }
});

/* Text and Comment share the insertion methods */
function chunkMethods(kind) {
  return {
    before: function (c, o) { slot(this, kind).before.push(content(c, o)); },
    after: function (c, o) { slot(this, kind).after.unshift(content(c, o)); },
    replace: function (c, o) {
      var r = slot(this, kind);
      r.removed = true;
      r.replacement = [content(c, o)];
    },
    remove: function () { var r = slot(this, kind); r.removed = true; r.replacement = []; }
  };
}
var TextProto = proto(chunkMethods('Text'), {
  text: function () { return slot(this, 'Text').text; },
  lastInTextNode: function () { return slot(this, 'Text').last; },
  removed: function () { return slot(this, 'Text').removed; }
});
var CommentProto = proto(chunkMethods('Comment'), {
  text: function () { return slot(this, 'Comment').text; },
  removed: function () { return slot(this, 'Comment').removed; }
}, {
  text: function (v) { var r = slot(this, 'Comment'); r.text = '' + v; r.dirty = true; }
});
var DoctypeProto = proto({}, {
  name: function () { return slot(this, 'Doctype').name; },
  publicId: function () { return slot(this, 'Doctype').publicId; },
  systemId: function () { return slot(this, 'Doctype').systemId; }
});
var DocumentEndProto = proto({
  append: function (c, o) { slot(this, 'DocumentEnd').append.push(content(c, o)); }
}, {});

/* ---- the rewriting of one response ---- */

function Run(regs, docs, input, sink) {
  var self = this;
  this.regs = regs;
  this.docs = docs;
  this.sink = sink;
  this.out = [];
  this.nout = 0;
  this.suppress = 0;
  this.open = [];
  for (var i = 0; i < regs.length; i++) this.open[i] = 0;
  this.stack = [{ name: '', ns: NS_HTML, index: 0, typeIndex: 0, children: 0,
                  types: {}, matched: null, m: null }];
  this.tok = new Tokenizer(function () { return self.stack[self.stack.length - 1].ns; });
  this.decoder = N.decoder();
  this.waiting = false;
  this.failed = false;
  this.ended = false;
  this.input = input;
  this.pump = null;
  /* which chunk handlers exist at all: most runs have none for text or comments, and then a
   * text token costs no allocation */
  this.any = { text: false, comments: false };
  for (i = 0; i < docs.length + regs.length; i++) {
    var h = i < docs.length ? docs[i] : regs[i - docs.length].handlers;
    if (typeof h.text === 'function') this.any.text = true;
    if (typeof h.comments === 'function') this.any.comments = true;
  }
}
var NO_CALLS = [];
Run.prototype.emit = function (s) {
  if (this.suppress === 0 && s !== '') this.out[this.nout++] = s;
};
Run.prototype.emitList = function (l) { for (var i = 0; i < l.length; i++) this.emit(l[i]); };
Run.prototype.flush = function () {
  if (this.nout === 0 || this.failed) return;
  var s = join(this.out, this.nout);
  this.out = [];
  this.nout = 0;
  this.sink.enqueue(N.encode(s));
};
Run.prototype.fail = function (e) {
  if (this.failed) return;
  this.failed = true;
  this.out = [];
  this.nout = 0;
  this.sink.error(e);
  if (this.pump) this.pump.cancel(e);
};

Run.prototype.start = function () {
  var self = this, streams = N.streams();
  /* no body: lol-html produces none either (not even DocumentEnd content) */
  if (this.input === null) { this.ended = true; this.sink.close(); return; }
  this.pump = streams.pump(this.input, function (chunk) {
    if (self.failed) return false;
    var s;
    try { s = self.decoder.decode(chunk, { stream: true }); } catch (e) { self.fail(e); return false; }
    self.chunk(s, false);
    if (self.waiting) self.resumeNeeded = true;
    return !self.waiting && !self.failed;
  }, function (err, isError) {
    if (self.failed) return;
    if (isError) { self.fail(err); return; }
    var s;
    try { s = self.decoder.decode(); } catch (e) { self.fail(e); return; }
    self.chunk(s, true);
  });
  this.pump.resume(); /* the pump reads nothing until asked */
};

/* Takes decoded text; processes tokens until input runs out or a handler suspends. */
Run.prototype.chunk = function (s, eof) {
  this.tok.feed(s, eof);
  this.process();
};
Run.prototype.process = function () {
  try {
    while (!this.waiting && !this.failed) {
      var t = this.tok.next();
      if (t === null) break;
      this.token(t);
    }
    if (!this.waiting && !this.failed && this.tok.eof && !this.ended) this.finish();
  } catch (e) {
    this.fail(e);
  }
  this.flush();
  if (!this.waiting && !this.failed && this.resumeNeeded) {
    this.resumeNeeded = false;
    this.pump.resume();
  }
};

/* Runs calls [fn, self, arg, ...] in order, then done(); a thenable result suspends the
 * run until it settles (a rejection errors the output). */
Run.prototype.dispatch = function (calls, done) {
  var self = this;
  for (var i = 0; i < calls.length; i += 3) {
    var r = call(calls[i], calls[i + 1], calls[i + 2]);
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
      var then = r.then;
      if (typeof then === 'function') {
        var left = rest(calls, i + 3);
        this.waiting = true;
        call(then, r, function () {
          if (self.failed) return;
          self.waiting = false;
          try { self.dispatch(left, done); } catch (e) { self.fail(e); return; }
          self.process();
        }, function (e) { self.waiting = false; self.fail(e); });
        return;
      }
    }
  }
  done();
};
function rest(calls, i) {
  var out = [], k = 0;
  for (var j = i; j < calls.length; j++) out[k++] = calls[j];
  return out;
}

Run.prototype.token = function (t) {
  switch (t.type) {
    case T_TEXT: this.text(t); break;
    case T_START: this.startTag(t); break;
    case T_END: this.endTag(t); break;
    case T_COMMENT: this.comment(t); break;
    case T_DOCTYPE: this.doctype(t); break;
    default: this.emit(t.raw);
  }
};

/* handlers for text and comments: the document's, then each registration's whose element
 * is open */
Run.prototype.chunkCalls = function (key, obj) {
  if (!this.any[key]) return NO_CALLS; /* no handler of this kind anywhere */
  var calls = [], i, h;
  for (i = 0; i < this.docs.length; i++) {
    h = this.docs[i];
    if (typeof h[key] === 'function') calls.push(h[key], h, obj);
  }
  for (i = 0; i < this.regs.length; i++) {
    h = this.regs[i].handlers;
    if (this.open[i] > 0 && typeof h[key] === 'function') calls.push(h[key], h, obj);
  }
  return calls;
};
Run.prototype.chunkDone = function (r, raw) {
  this.emitList(r.before);
  if (r.removed) this.emitList(r.replacement); else this.emit(raw());
  this.emitList(r.after);
};

Run.prototype.text = function (t) {
  var self = this;
  var calls = this.chunkCalls('text', null);
  if (calls.length === 0) { this.emit(t.text); return; }
  var r = { kind: 'Text', text: t.text, last: t.last, before: [], after: [], replacement: [],
            removed: false };
  var o = make(TextProto, r);
  for (var i = 2; i < calls.length; i += 3) calls[i] = o;
  this.dispatch(calls, function () { self.chunkDone(r, function () { return t.text; }); });
};

Run.prototype.comment = function (t) {
  var self = this;
  var calls = this.chunkCalls('comments', null);
  if (calls.length === 0) { this.emit(t.raw); return; }
  var r = { kind: 'Comment', text: t.text, before: [], after: [], replacement: [],
            removed: false, dirty: false };
  var o = make(CommentProto, r);
  for (var i = 2; i < calls.length; i += 3) calls[i] = o;
  this.dispatch(calls, function () {
    self.chunkDone(r, function () { return r.dirty ? '<!--' + r.text + '-->' : t.raw; });
  });
};

Run.prototype.doctype = function (t) {
  var self = this, calls = [];
  for (var i = 0; i < this.docs.length; i++) {
    var h = this.docs[i];
    if (typeof h.doctype === 'function') calls.push(h.doctype, h, null);
  }
  if (calls.length === 0) { this.emit(t.raw); return; }
  var o = make(DoctypeProto, { kind: 'Doctype', name: t.name, publicId: t.publicId,
                               systemId: t.systemId });
  for (var k = 2; k < calls.length; k += 3) calls[k] = o;
  this.dispatch(calls, function () { self.emit(t.raw); });
};

Run.prototype.startTag = function (t) {
  var self = this, stack = this.stack, depth = stack.length, parent = stack[depth - 1];
  var isVoid = t.ns === NS_HTML && VOID['$' + t.name] === true;
  var selfClosing = t.ns !== NS_HTML && t.selfClosing;
  var canHave = !isVoid && !selfClosing;
  parent.children++;
  /* the per-name counts for :nth-of-type, made when the element gets its first child */
  var types = parent.types;
  if (types === null) types = parent.types = {};
  var prev = types['$' + t.name];
  var ti = (typeof prev === 'number' ? prev : 0) + 1;
  types['$' + t.name] = ti;
  var e = { name: t.name, ns: t.ns, attrs: t.attrs, index: parent.children, typeIndex: ti,
            children: 0, types: null, matched: NO_MATCH, m: null, el: null };
  var calls = null, rec = null, el = null, i;
  for (i = 0; i < this.regs.length; i++) {
    var g = this.regs[i];
    if (!selectorMatch(g.selector, e, stack, depth)) continue;
    if (e.matched === NO_MATCH) e.matched = [];
    e.matched.push(i);
    if (typeof g.handlers.element === 'function') {
      if (el === null) {
        rec = { kind: 'Element', tagName: t.name, attrs: t.attrs, ns: t.ns, m: mods(),
                selfClosing: t.selfClosing, canHaveContent: canHave, dirty: false };
        el = make(ElementProto, rec);
        calls = [];
      }
      calls.push(g.handlers.element, g.handlers, el);
    }
  }
  if (calls === null) { this.startDone(t, e, null, canHave); return; }
  this.dispatch(calls, function () { self.startDone(t, e, rec, canHave); });
};
var NO_MATCH = [];
/* The start tag's output once its element handlers are done, and the element opened. */
Run.prototype.startDone = function (t, e, rec, canHave) {
  var m = rec ? rec.m : null, matched = e.matched;
  if (m) {
    this.emitList(m.before);
    this.emitList(m.replacement);
  }
  if (!m || !m.removeTags) this.emit(rec && rec.dirty ? serializeStart(t, rec) : t.raw);
  if (canHave) {
    if (m) this.emitList(m.prepend);
    e.m = m;
    if (m && m.removeContent) { this.suppress++; e.suppressing = true; }
    this.stack.push(e);
    for (var k = 0; k < matched.length; k++) this.open[matched[k]]++;
  } else if (m) {
    this.emitList(m.after);
  }
};

function serializeStart(t, rec) {
  var parts = ['<' + (rec.m.renamed !== null ? rec.m.renamed : t.rawName)], k = 1;
  for (var i = 0; i < rec.attrs.length; i++) parts[k++] = ' ' + rec.attrs[i].raw;
  parts[k++] = t.selfClosing ? ' />' : '>';
  return join(parts, k);
}

Run.prototype.endTag = function (t) {
  var self = this, stack = this.stack, d;
  for (d = stack.length - 1; d >= 1; d--) if (stack[d].name === t.name) break;
  if (d < 1) { this.emit(t.raw); return; }
  var popped = [], k = 0, i, any = false;
  for (i = stack.length - 1; i >= d; i--) {
    popped[k++] = stack[i];
    if (stack[i].m || stack[i].suppressing) any = true;
  }
  stack.length = d;
  if (!any) {
    /* nothing was done to these elements: only the counts of open matches change */
    for (i = 0; i < k; i++)
      for (var jj = 0; jj < popped[i].matched.length; jj++) this.open[popped[i].matched[jj]]--;
    this.emit(t.raw);
    return;
  }
  var r = { kind: 'EndTag', name: t.rawName, renamed: false, before: [], after: [],
            removed: false };
  var calls = [], removeTag = false, renamed = null;
  for (i = 0; i < k; i++) {
    var e = popped[i];
    for (var j = 0; j < e.matched.length; j++) this.open[e.matched[j]]--;
    if (e.suppressing) this.suppress--;
    if (e.m) {
      this.emitList(e.m.append);
      if (e.m.removeTags) removeTag = true;
      if (e.m.renamed !== null) renamed = e.m.renamed;
      if (e.m.endHandler) calls.push(e.m.endHandler, undef, null);
    }
  }
  var o = null;
  if (calls.length) {
    o = make(EndTagProto, r);
    for (i = 2; i < calls.length; i += 3) calls[i] = o;
  }
  function done() {
    self.emitList(r.before);
    if (!removeTag && !r.removed) {
      if (r.renamed) self.emit('</' + r.name + '>');
      else if (renamed !== null) self.emit('</' + renamed + '>');
      else self.emit(t.raw);
    }
    self.emitList(r.after);
    for (var q = 0; q < k; q++) if (popped[q].m) self.emitList(popped[q].m.after);
  }
  if (calls.length === 0) done(); else this.dispatch(calls, done);
};

Run.prototype.finish = function () {
  var self = this, calls = [];
  this.ended = true;
  /* lol-html writes nothing for elements still open at the end (no append, no after) */
  this.suppress = 0;
  var r = { kind: 'DocumentEnd', append: [] }, o = make(DocumentEndProto, r);
  for (var i = 0; i < this.docs.length; i++) {
    var h = this.docs[i];
    if (typeof h.end === 'function') calls.push(h.end, h, o);
  }
  this.dispatch(calls, function () {
    self.emitList(r.append);
    self.flush();
    self.sink.close();
  });
};

/* ---- HTMLRewriter ---- */

function rw(o) { return slot(o, 'HTMLRewriter'); }
function checkHandlers(h) {
  if (h === null || (typeof h !== 'object' && typeof h !== 'function'))
    throw N.typeError('Handlers must be an object');
  return h;
}

var HTMLRewriterProto = proto({
  on: function (selector, handlers) {
    var r = rw(this);
    var sel = parseSelector(selector);
    r.regs.push({ selector: sel, handlers: checkHandlers(handlers) });
    return this;
  },
  onDocument: function (handlers) {
    rw(this).docs.push(checkHandlers(handlers));
    return this;
  },
  transform: function (response) {
    var r = rw(this);
    if (!N.isResponse(response)) throw N.typeError('transform: argument must be a Response');
    var body = N.body(response);
    var regs = copy(r.regs), docs = copy(r.docs);
    var run = null;
    var src = N.streams().nativeSource(function () {
      /* the rewriting starts when the body is first read, as in Workers; after that the
       * pump runs whenever no handler is pending (output does not wait for reads) */
      if (run === null) {
        run = new Run(regs, docs, body, sink);
        run.start();
      }
    }, function (reason) {
      if (run && run.pump) run.pump.cancel(reason);
    }, 0);
    var sink = src;
    return N.derive(response, src.stream);
  }
}, {});

function copy(a) { var out = [], k = 0; for (var i = 0; i < a.length; i++) out[k++] = a[i]; return out; }

function init(o) {
  o[K] = { kind: 'HTMLRewriter', regs: [], docs: [] };
}

return { proto: HTMLRewriterProto, init: init };
})
