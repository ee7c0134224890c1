//// smoke-exec
p(/a(b)?c/.exec("xac"));
p(new RegExp("(?<y>\\d{4})-(?<m>\\d\\d)").exec("on 2024-05-01"));
//// smoke-replace
p("a-b-c".replace(/-/g, "+"), "x".replace(/x/, "$&$&"));
p("2024-05".replace(new RegExp("(?<y>\\d+)-(?<m>\\d+)"), "$<m>/$<y>"));
//// smoke-split
p("a, b ,c".split(/\s*,\s*/), "abc".split(""), "a1b2c".split(/(\d)/));
//// smoke-u
p(new RegExp("^.$", "u").test("\ud83d\ude00"), /^.$/.test("\ud83d\ude00"));
p(new RegExp(".", "gu").exec("a\ud83d\ude00"), "a\ud83d\ude00b".match(new RegExp(".", "gu")));
//// smoke-errors
t(function () { new RegExp("("); });
t(function () { new RegExp("a", "gg"); });
//// flags-getters-each
var fs = ["d", "g", "i", "m", "s", "u", "y"];
for (var i = 0; i < fs.length; i++) {
  var r = new RegExp("a", fs[i]);
  p(fs[i], r.hasIndices, r.global, r.ignoreCase, r.multiline, r.dotAll, r.unicode, r.sticky, r.flags);
}
//// flags-order
p(new RegExp("a", "yusmigd").flags, String(new RegExp("a", "ygm")));
//// flags-literal
p(/a/gim.flags, /a/.flags, /x/g.global, /x/i.ignoreCase, /x/m.multiline, /x/.sticky, /x/.unicode);
//// flags-invalid
t(function () { new RegExp("a", "x"); });
t(function () { new RegExp("a", "gig"); });
t(function () { new RegExp("a", "G"); });
//// flags-proto
p(RegExp.prototype.global, RegExp.prototype.source, RegExp.prototype.flags);
tn(function () { Object.getOwnPropertyDescriptor(RegExp.prototype, "global").get.call({}); });
//// flags-generic
p(Object.getOwnPropertyDescriptor(RegExp.prototype, "flags").get.call({ global: 1, sticky: "x", unicode: 0 }));
//// source-escape
var ss = ["a/b", "[/]", "\n", "\\/", "a\u2028b", "", "/", "\r", "a\\\\/"];
for (var i = 0; i < ss.length; i++) p(new RegExp(ss[i]).source, String(new RegExp(ss[i])));
//// source-literal
p(/a\/b/.source, new RegExp("[/]").source, /\d+/g.source, String(/x/gi));
//// tostring-generic
p(RegExp.prototype.toString.call({ source: "S", flags: "F" }));
//// ctor-call-same
var r = /a/g;
p(RegExp(r) === r, new RegExp(r) === r, RegExp(r, "i") === r);
//// ctor-copy
var r = new RegExp("a+", "gi");
r.lastIndex = 3;
var c = new RegExp(r);
p(c.source, c.flags, c.lastIndex, c === r);
p(new RegExp(r, "m").flags, new RegExp(/x/g).flags);
//// ctor-undefined
p(new RegExp().source, new RegExp(undefined).source, new RegExp(undefined, undefined).flags, RegExp().test("x"));
//// ctor-tostring-arg
p(new RegExp(123).test("a123"), new RegExp(null).source, new RegExp({ toString: function () { return "z"; } }).source);
//// ctor-regexp-like
var like = { source: "b+", flags: "g" };
like[Symbol.match] = true;
var r = new RegExp(like);
p(r.source, r.flags, RegExp(like) === like);
like.constructor = RegExp;
p(RegExp(like) === like);
//// ctor-instance
var r = new RegExp("x");
p(r instanceof RegExp, Object.prototype.toString.call(r), Object.prototype.toString.call(/x/), r.constructor === RegExp, typeof r);
//// ctor-lastindex-prop
var r = new RegExp("x", "g");
var d = Object.getOwnPropertyDescriptor(r, "lastIndex");
p(d.value, d.writable, d.enumerable, d.configurable, Object.keys(r));
//// ctor-props
p(RegExp.length, RegExp.name, RegExp.prototype.exec.length, RegExp.prototype.exec.name, String.prototype.replace.length, String.prototype.split.length);
p(RegExp.prototype[Symbol.replace].name, RegExp.prototype[Symbol.split].length, typeof Symbol.matchAll);
//// exec-basic
p(/b/.exec("abc"), /z/.exec("abc"), /(a)|(b)/.exec("b"));
//// exec-coerce
p(/1/.exec(123), /null/.exec(null), /undefined/.exec());
//// exec-groups-undefined
var m = new RegExp("(?<a>x)|(?<b>y)").exec("y");
p(m, m.groups.a, "a" in m.groups);
//// exec-groups-order
p(new RegExp("(?<z>.)(?<a>.)(?<m>.)").exec("xyz").groups);
//// exec-nested-groups
p(/((a)(b(c)))/.exec("abc"), /(a(b)?)+/.exec("aba"));
//// exec-empty
p(/(?:)/.exec("abc"), /x*/.exec("abc"), new RegExp("").exec(""));
//// exec-nul
p(/\0/.exec("a\u0000b"), new RegExp("a\u0000b").test("a\u0000b"));
//// indices-basic
var m = new RegExp("a(b)?(c)", "d").exec("xac");
p(m.indices, m.indices.groups);
//// indices-named
var m = new RegExp("(?<x>a)(?<y>z)?", "dg").exec("ba");
p(m.indices, m.indices.groups);
//// indices-astral
var m = new RegExp("(.)(b)", "du").exec("\ud83d\ude00\ud83d\ude01b");
p(m.index, m.indices);
//// lastindex-global
var r = /a/g;
p(r.exec("aXa").index, r.lastIndex, r.exec("aXa").index, r.lastIndex, r.exec("aXa"), r.lastIndex);
//// lastindex-sticky
var r = new RegExp("a", "y");
p(r.test("aab"), r.lastIndex, r.test("aab"), r.lastIndex, r.test("aab"), r.lastIndex);
//// lastindex-sticky-noskip
var r = new RegExp("b", "y");
p(r.exec("ab"), r.lastIndex);
r.lastIndex = 1;
p(r.exec("ab"), r.lastIndex);
//// lastindex-nonglobal-ignored
var r = /a/;
r.lastIndex = 5;
p(r.exec("aaa").index, r.lastIndex);
//// lastindex-beyond
var r = /a/g;
r.lastIndex = 10;
p(r.exec("aaa"), r.lastIndex);
r.lastIndex = 3;
p(r.exec("aaa"), r.lastIndex);
r.lastIndex = 3;
p(/$/g.exec("aaa").index);
//// lastindex-coerce
var r = /a/g;
r.lastIndex = "1";
p(r.exec("aa").index, r.lastIndex);
r.lastIndex = -5;
p(r.exec("aa").index);
r.lastIndex = 1.7;
p(r.exec("aa").index);
r.lastIndex = { valueOf: function () { return 1; } };
p(r.exec("aa").index);
//// lastindex-readonly
var r = /a/g;
Object.defineProperty(r, "lastIndex", { writable: false, value: 0 });
tn(function () { r.exec("a"); });
tn(function () { r.test("b"); });
//// lastindex-empty-global
var r = /x*/g;
p(r.exec("ab").index, r.lastIndex, r.exec("ab").index, r.lastIndex);
//// lastindex-sticky-global
var r = new RegExp("a", "gy");
p("aaba".match(r), "aaba".replace(r, "x"), r.lastIndex);
//// lastindex-sticky-replace
var r = new RegExp("a", "y");
r.lastIndex = 1;
p("aaa".replace(r, "x"), r.lastIndex);
r.lastIndex = 1;
p("aba".replace(r, "x"), r.lastIndex);
//// test-basic
p(/a/.test("cat"), /^a/.test("cat"), /t$/.test("cat"), new RegExp("").test(""));
//// test-custom-exec
var r = /a/;
r.exec = function () { return { length: 0 }; };
p(r.test("zzz"));
r.exec = function () { return null; };
p(r.test("a"));
//// test-custom-exec-bad
var r = /a/;
r.exec = function () { return 1; };
tn(function () { r.test("a"); });
//// match-nonglobal
p("abcabc".match(/b(c)/), "abc".match(/z/));
//// match-global
p("abcabc".match(/b(c)/g), "abc".match(/z/g), "aaa".match(/a*?/g));
//// match-string-arg
p("a.b".match("."));
t(function () { "a+b".match("+"); });
//// match-undefined-arg
p("abc".match(), "abc".match(undefined));
//// match-empty-advance-unicode
p("\ud83d\ude00".match(new RegExp("", "gu")), "\ud83d\ude00".match(/(?:)/g));
//// match-symbol-custom
var o = {};
o[Symbol.match] = function (s) { return "custom:" + s; };
p("abc".match(o));
//// match-null-this
tn(function () { String.prototype.match.call(null, /a/); });
//// matchall-basic
var it = "a1b2c3".matchAll(/[a-z](\d)/g);
var r;
while (!(r = it.next()).done) p(r.value);
p(it.next());
//// matchall-tag
var it = "ab".matchAll(/./g);
p(Object.prototype.toString.call(it), typeof it[Symbol.iterator], it[Symbol.iterator]() === it);
//// matchall-nonglobal-throws
tn(function () { "abc".matchAll(/a/); });
//// matchall-string
var it = "a.b.c".matchAll(".");
var out = [];
var r;
while (!(r = it.next()).done) out.push(r.value[0] + r.value.index);
p(out);
//// matchall-lastindex-copied
var re = /a/g;
re.lastIndex = 2;
var it = "aaaa".matchAll(re);
p(it.next().value.index, re.lastIndex);
//// matchall-empty
var it = "ab".matchAll(/(?:)/g);
var out = [];
var r;
while (!(r = it.next()).done) out.push(r.value.index);
p(out);
//// matchall-named
var it = "k1=v1;k2=v2".matchAll(new RegExp("(?<k>\\w+)=(?<v>\\w+)", "g"));
var r;
while (!(r = it.next()).done) p(r.value.groups);
//// replace-dollar-amp
p("abc".replace(/b/, "[$&]"), "abc".replace(/b/g, "$&$&"));
//// replace-dollar-backtick-quote
p("abc".replace(/b/, "[$`|$']"), "abc".replace(/c/, "$'"), "abc".replace(/a/, "$`"));
//// replace-dollar-dollar
p("abc".replace(/b/, "$$"), "abc".replace(/b/, "$$$$"), "abc".replace(/b/, "$"), "abc".replace(/b/, "x$"));
//// replace-dollar-n
p("abc".replace(/(a)(b)/, "$2$1"), "abc".replace(/(a)/, "$2"), "abc".replace(/(a)/, "$0"), "abc".replace(/(a)/, "$1$"));
//// replace-dollar-nn
var r = /(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)/;
p("abcdefghijk".replace(r, "$11-$10-$01-$1"));
p("ab".replace(/(a)/, "$10"), "ab".replace(/(a)/, "$01"), "ab".replace(/(a)/, "$00"), "ab".replace(/(a)/, "$001"));
//// replace-dollar-n-undefined
p("b".replace(/(a)?b/, "[$1]"), "b".replace(new RegExp("(?<x>a)?b"), "[$<x>]"));
//// replace-dollar-name
var r = new RegExp("(?<first>\\w+) (?<last>\\w+)");
p("John Smith".replace(r, "$<last>, $<first>"), "John Smith".replace(r, "$<nope>|"), "John Smith".replace(r, "$<last"));
//// replace-dollar-name-no-groups
p("ab".replace(/(a)/, "$<x>"), "ab".replace(/a/, "$<"));
//// replace-fn-args
"xaby".replace(/(a)(b)/, function () { p([].slice.call(arguments)); return ""; });
//// replace-fn-named-args
"xaby".replace(new RegExp("(?<one>a)(?<two>b)?"), function () {
  var a = [].slice.call(arguments);
  p(a.length, a[0], a[1], a[2], a[3], a[4], a[5]);
  return "";
});
//// replace-fn-global
p("a1b22c333".replace(/\d+/g, function (m, off) { return "<" + m.length + "@" + off + ">"; }));
//// replace-fn-return-coerced
p("abc".replace(/b/, function () { return 42; }), "abc".replace(/b/, function () {}));
//// replace-fn-this
"a".replace(/a/, function () { "use strict"; p(this === undefined); return ""; });
//// replace-fn-sees-lastindex
var r = /a/g;
p("aaa".replace(r, function () { return r.lastIndex; }));
//// replace-string-pattern
p("a.b.c".replace(".", "-"), "aaa".replace("a", "$&$&"), "abc".replace("b", "$`$'"), "abc".replace("b", function (m, o, s) { return m + o + s; }));
//// replace-empty-global
p("abc".replace(/(?:)/g, "-"), "abc".replace(/x*/g, "-"), "".replace(/(?:)/g, "-"));
//// replace-empty-global-unicode
p("\ud83d\ude00x".replace(new RegExp("", "gu"), "-"), "\ud83d\ude00x".replace(/(?:)/g, "-").length);
//// replace-symbol-custom
var o = {};
o[Symbol.replace] = function (s, r) { return s + "|" + r; };
p("abc".replace(o, "R"));
//// replace-custom-exec
var r = /./g;
var calls = 0;
r.exec = function (s) {
  if (calls++ > 1) return null;
  var a = ["Q"];
  a.index = calls;
  return a;
};
p("abcd".replace(r, "[$&]"));
//// replace-custom-exec-groups
var r = /./;
r.exec = function () { var a = ["b"]; a.index = 1; a.groups = { n: "N" }; return a; };
p("abc".replace(r, "<$<n>>"));
//// replace-position-clamp
var r = /./;
r.exec = function () { var a = ["z"]; a.index = 99; return a; };
p("abc".replace(r, "X"));
//// replaceall-string
p("a.b.c".replaceAll(".", "-"), "aaa".replaceAll("a", "$&$&"), "abc".replaceAll("", "-"), "xx".replaceAll("x", function (m, o) { return o; }));
//// replaceall-regexp
p("a1b2".replaceAll(/\d/g, "#"), "a1b2".replaceAll(/(\d)/g, "<$1>"));
//// replaceall-nonglobal-throws
tn(function () { "abc".replaceAll(/b/, "x"); });
//// search-basic
p("abc".search(/c/), "abc".search(/z/), "abc".search("b"), "a.c".search("."), "abc".search());
//// search-lastindex-restored
var r = /b/g;
r.lastIndex = 2;
p("abc".search(r), r.lastIndex);
//// search-sticky
var r = new RegExp("b", "y");
p("abc".search(r), "bc".search(r));
//// split-basic
p("a,b,,c".split(/,/), "a,b,,c".split(","), "abc".split(/(?:)/), "".split(/,/), "".split(/(?:)/));
//// split-captures
p("a1b2c".split(/(\d)/), "a1b2c".split(/(\d)(x)?/), "abc".split(/(b)|(z)/));
//// split-limit
p("a,b,c".split(/,/, 2), "a,b,c".split(/,/, 0), "a1b2c".split(/(\d)/, 2), "a,b".split(/,/, -1), "a,b".split(/,/, 4294967297));
//// split-empty-match-end
p("abc".split(/c*$/), "abc".split(/$/), "abc".split(/^/), "a b".split(/\b/));
//// split-unicode
p("\ud83d\ude00\ud83d\ude01".split(new RegExp("", "u")), "\ud83d\ude00\ud83d\ude01".split(""));
//// split-sticky-source
p("a,b".split(new RegExp(",", "y")), "a,b".split(new RegExp(",", "g")));
//// split-whitespace
p(" a  b\tc\n".split(/\s+/), "k=v; k2=v2".split(/;\s*/));
//// split-string-sep
p("a,b".split(), "a,b".split(undefined, 1), "abc".split("", 2), "a,b,c".split(",", 2));
//// split-symbol-custom
var o = {};
o[Symbol.split] = function (s, lim) { return [s, lim]; };
p("abc".split(o, 3));
//// split-custom-exec
var r = /,/;
r.constructor = undefined;
var calls = 0;
var origExec = RegExp.prototype.exec;
RegExp.prototype.exec = function (s) { calls++; return origExec.call(this, s); };
p("a,b".split(r), calls > 0);
RegExp.prototype.exec = origExec;
//// split-lookahead
p("abcABC".split(/(?=[A-Z])/), "camelCaseString".split(new RegExp("(?<=[a-z])(?=[A-Z])")));
//// dot-line-terminators
var s = ["\n", "\r", "\u2028", "\u2029", "\u0085", "\t", "\v"];
var out = [];
for (var i = 0; i < s.length; i++) out.push(/^.$/.test(s[i]), new RegExp("^.$", "s").test(s[i]));
p(out);
//// dotall-flag
p(new RegExp("a.b", "s").test("a\nb"), /a.b/.test("a\nb"), new RegExp("a.b", "s").dotAll);
//// dot-astral
p(/^..$/.test("\ud83d\ude00"), new RegExp("^.$", "su").test("\ud83d\ude00"), /^.$/.test("\ud800"), new RegExp("^.$", "u").test("\ud800"));
//// anchors-multiline
p("a\nb\rc\u2028d\u2029e".match(/^\w/gm), "a\nb".match(/\w$/gm), "a\r\nb".match(/^/gm).length);
//// anchors-no-multiline
p(/^b/.test("a\nb"), /a$/.test("a\n"), /a$/.test("a"), /\n$/.test("a\n"));
//// anchors-m-crlf
p("x\r\ny".replace(/$/gm, "|"), "x\r\ny".replace(/^/gm, "|"));
//// class-d-w-s
p("a1_ \u00e9".match(/\d/g), "a1_ \u00e9".match(/\w/g), "a1_ \u00e9".match(/\W/g));
//// class-s-unicode
var sp = ["\t", "\n", "\v", "\f", "\r", " ", "\u00a0", "\u1680", "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff", "\u0085", "\u180e", "\u200b"];
var out = [];
for (var i = 0; i < sp.length; i++) out.push(/\s/.test(sp[i]) ? 1 : 0);
p(out.join(""));
//// class-S-D-W-in-class
p("a1 -".match(/[\D]/g), "a1 -".match(/[^\D]/g), "a1 -".match(/[\S-]/g), "a1 _".match(/[^\W_]/g), "ab1".match(/[\Wb]/g));
//// class-empty
p(/[]/.test("a"), /[^]/.test("\n"), "a\nb".match(/[^]/g), /a[]/.test("a"), /a[^]?/.exec("a"));
//// class-ranges
p("abcxyz-".match(/[b-y]/g), "a-z".match(/[a\-z]/g), "a-z".match(/[-a]/g), "a-z".match(/[a-]/g));
//// class-range-out-of-order
t(function () { new RegExp("[z-a]"); });
//// class-escapes
p(/[\b]/.test("\b"), /[\cJ]/.test("\n"), /[\x41]/.test("A"), /[\u0041]/.test("A"), /[\t\n]/.test("\t"));
//// class-annexb-ranges
p("a-1".match(new RegExp("[\\d-a]", "g")), "a-1".match(new RegExp("[a-\\d]", "g")));
//// class-annexb-c
p(new RegExp("[\\c_]").test("\u001f"), new RegExp("[\\c1]").test("\u0011"), new RegExp("\\c1").test("\\c1"), new RegExp("[\\c]").test("c"), new RegExp("[\\c]").test("\\"));
//// class-negated-astral
p("\ud83d\ude00".match(new RegExp("[^a]", "gu")), "\ud83d\ude00".match(/[^a]/g).length);
//// class-astral-range
var r = new RegExp("^[\ud83d\ude00-\ud83d\ude4f]$", "u");
p(r.test("\ud83d\ude03"), r.test("\ud83d\ude50"), new RegExp("[\\u{1F600}-\\u{1F64F}]", "u").test("\ud83d\ude03"));
//// escape-cx
p(/\cA/.test("\u0001"), /\cz/.test("\u001a"), new RegExp("\\c").test("\\c"), new RegExp("a\\c").test("a\\c"));
//// escape-octal
var R = function (s) { return new RegExp(s); };
p(R("\\101").test("A"), R("\\0").test("\u0000"), R("\\07").test("\u0007"), R("\\377").test("\u00ff"), R("\\400").test("\u00200"), R("\\8").test("8"), R("\\9").test("9"));
//// escape-backref-vs-octal
var R = function (s) { return new RegExp(s); };
p(R("(a)\\1").test("aa"), R("(a)\\2").test("a\u0002"), R("\\1(a)").exec("a"), R("(a)\\10").test("a\b"));
//// escape-identity-annexb
p(/\a/.test("a"), /\e/.test("e"), /\-/.test("-"), /\q/.test("q"), /\_/.test("_"));
//// escape-identity-u-invalid
t(function () { new RegExp("\\a", "u"); });
t(function () { new RegExp("\\-", "u"); });
p(new RegExp("\\/\\.", "u").test("/."));
//// escape-x-u
var R = function (s) { return new RegExp(s); };
p(/\x41/.test("A"), R("\\x4").test("x4"), R("\\xg").test("xg"), R("\\u004").test("u004"), R("\\u{41}").test("uuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuuu"));
//// escape-u-braces
p(new RegExp("\\u{41}", "u").test("A"), new RegExp("^\\u{1F600}$", "u").test("\ud83d\ude00"), new RegExp("^\\ud83d\\ude00$", "u").test("\ud83d\ude00"));
t(function () { new RegExp("\\u{110000}", "u"); });
t(function () { new RegExp("\\u{}", "u"); });
//// escape-u-surrogate-escapes-nonu
p(/^\ud83d\ude00$/.test("\ud83d\ude00"), /^[\ud83d\ude00]$/.test("\ud83d\ude00"), "\ud83d\ude00".replace(/[\ud83d\ude00]/g, "x"));
//// escape-controls
p(/\f\n\r\t\v/.test("\f\n\r\t\v"), /\t/.source);
//// escape-k-annexb
p(/\k/.test("k"), /\k<a>/.test("k<a>"));
t(function () { new RegExp("\\k<a>(?<b>x)"); });
t(function () { new RegExp("\\k", "u"); });
//// backref-named
var r = new RegExp("(?<q>['\"]).*?\\k<q>");
p(r.exec("say 'hi' \"x\"")[0], r.exec("a\"b\"c")[0]);
//// backref-unset-empty
p(/(a)?b\1/.exec("b"), /(?:(a)|b)\1c/.exec("bc"), /\1(a)/.exec("aa"));
//// backref-forward
p(/\2(a)(b)/.exec("ab"), /(a\1)/.exec("aa"));
//// backref-case-insensitive
p(/(a)\1/i.test("aA"), new RegExp("(?<x>b)\\k<x>", "i").test("bB"));
//// backref-in-lookbehind
p(new RegExp("(?<=(a)\\1)b").exec("aab"));
//// lookahead
p(/a(?=b)/.exec("acab"), /a(?!b)/.exec("abac"), /(?=(a+))/.exec("baaa"));
//// lookbehind
p(new RegExp("(?<=\\$)\\d+").exec("cost $42"), new RegExp("(?<!\\$)\\b\\d+").exec("$4 7"), new RegExp("(?<=a|bc)d", "g")[Symbol.replace]("ad bcd cd", "X"));
//// lookbehind-capture
p(new RegExp("(?<=(\\d)(\\d))x").exec("12x"), new RegExp("(?<!(a))b").exec("ab cb"));
//// lookahead-quantified-annexb
p(new RegExp("(?=a)*").test("b"), new RegExp("a(?=b)?c").test("ac"));
t(function () { new RegExp("(?=a)*", "u"); });
t(function () { new RegExp("(?<=a)*"); });
//// quantifiers
p("aaaa".match(/a{2}/g), "aaaa".match(/a{1,3}/g), "aaaa".match(/a{2,}/), "aaaa".match(/a+?/), "aaaa".match(/a{1,3}?/), "aaa".match(/a??/));
//// quantifiers-annexb-braces
p(/a{/.test("a{"), /a{1/.test("a{1"), /a{1,x}/.test("a{1,x}"), /{/.test("{"), /}/.test("}"), /]/.test("]"), /x{,2}/.test("x{,2}"));
//// quantifiers-errors
t(function () { new RegExp("a**"); });
t(function () { new RegExp("a{2,1}"); });
t(function () { new RegExp("+a"); });
t(function () { new RegExp("a|*"); });
t(function () { new RegExp("^*"); });
t(function () { new RegExp("a++"); });
t(function () { new RegExp("{1}"); });
t(function () { new RegExp("a{", "u"); });
t(function () { new RegExp("}", "u"); });
t(function () { new RegExp("]", "u"); });
//// quantifier-captures-reset
p(/(a|(b))+/.exec("ab"), /(?:(a)|b)+/.exec("ab"));
//// quantifier-empty-check
p(/(a*)*/.exec("b"), /(a*)+/.exec("b"), /(?:a?)*?b/.exec("ab"));
//// group-errors
t(function () { new RegExp("("); });
t(function () { new RegExp("a)"); });
t(function () { new RegExp("(?x)"); });
t(function () { new RegExp("(?<a>x)(?<a>y)"); });
t(function () { new RegExp("(?<1a>x)"); });
t(function () { new RegExp("(?<>x)"); });
t(function () { new RegExp("[a"); });
t(function () { new RegExp("\\"); });
t(function () { new RegExp("(", "u"); });
//// group-names-unicode
var m = new RegExp("(?<\u00e9t\u00e9>a)(?<$x>b)(?<_1>c)").exec("abc");
p(m.groups);
p(new RegExp("(?<\\u0061bc>x)").exec("x").groups);
//// group-noncapture
p(/(?:a)(b)/.exec("ab"), /(?:a|b)+/.exec("abba"));
//// named-groups-groups-proto
var g = new RegExp("(?<a>.)").exec("x").groups;
p(Object.getPrototypeOf(g) === null, Object.keys(g));
//// named-groups-replace-fn-groups
p("2020-01".replace(new RegExp("(?<y>\\d+)-(?<m>\\d+)"), function () { var g = arguments[arguments.length - 1]; return g.m + "/" + g.y; }));
//// ignorecase-ascii
p(/abc/i.test("ABC"), /[a-z]+/i.exec("HeLLo")[0], /[^a-z]/i.test("Q"), /\W/i.test("k"));
//// ignorecase-nonascii
p(/\u00e9/i.test("\u00c9"), /\u03c3/i.test("\u03a3"), /\u03c2/i.test("\u03a3"), /\u03c3/i.test("\u03c2"), /\u0451/i.test("\u0401"));
//// ignorecase-special-nonu
p(/s/i.test("\u017f"), /k/i.test("\u212a"), /\u017f/i.test("S"), /\u212a/i.test("K"), /\u212a/i.test("\u212a"));
//// ignorecase-special-u
p(new RegExp("s", "iu").test("\u017f"), new RegExp("k", "iu").test("\u212a"), new RegExp("\u212a", "iu").test("k"), new RegExp("\u017f", "iu").test("S"));
//// ignorecase-turkish
p(/i/i.test("\u0130"), /i/i.test("\u0131"), /\u0130/i.test("i"), /\u0131/i.test("I"), new RegExp("i", "iu").test("\u0130"), new RegExp("\u0131", "iu").test("I"));
//// ignorecase-sharp-s
p(/\u00df/i.test("SS"), /\u00df/i.test("\u1e9e"), new RegExp("\u00df", "iu").test("\u1e9e"));
//// ignorecase-micro
p(/\u00b5/i.test("\u039c"), /\u00b5/i.test("\u03bc"), new RegExp("\u00b5", "iu").test("\u03bc"));
//// ignorecase-backref-class
p(/([a-c])\1/i.test("Bb"), /[\u00e0-\u00e5]/i.test("\u00c3"));
//// ignorecase-astral
p(new RegExp("\ud801\udc00", "iu").test("\ud801\udc28"), /\ud801\udc00/i.test("\ud801\udc28"));
//// word-boundary
p("hello world".match(/\b\w/g), "a-b".split(/\b/), /\Bb/.test("ab"), /\bé/.test(" é"));
//// word-boundary-i
p("Hello World".match(/\b\w/gi), /\bk/i.test("\u212a"), /a\b/i.test("a\u017f"));
//// unicode-property-basic
var r = new RegExp("\\p{L}+", "u");
p(r.exec("123 h\u00e9llo")[0], new RegExp("\\P{L}+", "u").exec("ab12cd")[0]);
//// unicode-property-long
p(new RegExp("^\\p{Letter}$", "u").test("x"), new RegExp("^\\p{Lu}$", "u").test("X"), new RegExp("^\\p{Uppercase_Letter}$", "u").test("x"), new RegExp("^\\p{gc=Nd}+$", "u").test("123\u0663"));
//// unicode-property-script
p(new RegExp("^\\p{Script=Greek}+$", "u").test("\u03b1\u03b2"), new RegExp("\\p{sc=Latin}", "u").test("\u03b1"), new RegExp("\\p{scx=Grek}", "u").test("\u03b1"));
//// unicode-property-binary
p(new RegExp("\\p{Emoji_Presentation}", "u").test("\ud83d\ude00"), new RegExp("^\\p{ASCII}+$", "u").test("abc~"), new RegExp("\\p{Any}", "u").test("\ud800"), new RegExp("^\\p{White_Space}$", "u").test("\u3000"), new RegExp("\\p{Alphabetic}", "u").test("1"));
//// unicode-property-class
p("a1\u03b1!".match(new RegExp("[\\p{L}\\d]", "gu")), "a1\u03b1!".match(new RegExp("[^\\p{L}]", "gu")));
//// unicode-property-errors
t(function () { new RegExp("\\p{Foo}", "u"); });
t(function () { new RegExp("\\p{Greek}", "u"); });
t(function () { new RegExp("\\p", "u"); });
t(function () { new RegExp("\\p{L", "u"); });
p(/\p{L}/.test("p{L}"));
//// unicode-property-negated-any-ascii
p(new RegExp("\\P{Any}", "u").test("a"), new RegExp("^\\P{ASCII}$", "u").test("\u00e9"), new RegExp("[\\P{ASCII}]", "u").test("a"));
//// unicode-astral-indices
var m = new RegExp("b", "u").exec("\ud83d\ude00b");
p(m.index, "\ud83d\ude00b".search(new RegExp("b", "u")), "\ud83d\ude00b".search(/b/));
//// unicode-astral-quantifier
p(new RegExp("^\ud83d\ude00{2}$", "u").test("\ud83d\ude00\ud83d\ude00"), /^\ud83d\ude00{2}$/.test("\ud83d\ude00\ude00"));
//// unicode-lone-surrogates
var s = "a\ud800b\udc00c";
p(s.match(new RegExp(".", "gu")).length, s.replace(new RegExp("\\ud800", "u"), "X"), new RegExp("[\\ud800-\\udbff]", "u").test(s), s.split(new RegExp("b", "u")));
//// unicode-surrogate-pair-not-split
p(new RegExp("\\udc00", "u").test("\ud800\udc00"), /\udc00/.test("\ud800\udc00"), new RegExp("^[^x]$", "u").test("\ud800\udc00"));
//// unicode-lastindex-middle-pair
var r = new RegExp(".", "gu");
r.lastIndex = 1;
var m = r.exec("\ud83d\ude00x");
p(m[0].length, m.index, r.lastIndex);
//// unicode-replace-indices
p("\ud83d\ude00a\ud83d\ude00b".replace(new RegExp("[ab]", "gu"), function (m, i) { return i; }));
//// unicode-split-captures
p("x\ud83d\ude00y\ud83d\ude00z".split(new RegExp("(\\u{1F600})", "u")));
//// unicode-case-class
p(new RegExp("[a-z]", "iu").test("\u212a"), /[a-z]/i.test("\u212a"));
//// utf16-indices-bmp
var s = "\u00e9t\u00e9 \u4e2d\u6587 ok";
p(s.search(/ok/), /\u6587/.exec(s).index, s.replace(/\s/g, "_"), s.split(/ /));
//// nonascii-input-substrings
var m = /(\u00e9)(t)/.exec("x\u00e9t\u00e9");
p(m, m.index);
//// regexp-literal-adopted
var r = /(\d+)/g;
p(r.exec("a12b34"), r.lastIndex, r.source, r.flags);
//// regexp-literal-global-replace
p("Hello World".replace(/o/g, "0"), "a,b;c".split(/[,;]/), "x".match(/x/).index);
//// edgefn-literal-global
if (typeof __edgefn$re === "function") {
  var r = __edgefn$re("(?<n>\\d+)", "g");
  var r2 = __edgefn$re("(?<n>\\d+)", "g");
  p(r !== r2, r.exec("a1").groups.n, r2.lastIndex, r.flags);
} else p(true, "1", 0, "g");
//// routing-pattern
var route = new RegExp("^/api/(?<version>v\\d+)/users/(?<id>[^/]+)/?$");
p(route.exec("/api/v2/users/42").groups, route.test("/api/v2/users/42/x"), route.exec("/api/v1/users/a%20b/").groups.id);
//// header-parsing
var h = "text/html; charset=UTF-8; q=0.9";
var re = /;\s*([^=;\s]+)\s*=\s*("[^"]*"|[^;]*)/g;
var m, out = [];
while ((m = re.exec(h))) out.push(m[1] + "=" + m[2]);
p(out);
//// cookie-parsing
var c = "a=1; b=two; c=%20";
var out = {};
c.replace(/(?:^|;\s*)([^=]+)=([^;]*)/g, function (_, k, v) { out[k] = v; return ""; });
p(out);
//// url-like
var r = /^(\w+):\/\/([^/:]+)(?::(\d+))?(\/[^?#]*)?(?:\?([^#]*))?(?:#(.*))?$/;
p(r.exec("https://example.com:8080/a/b?x=1#frag"), r.exec("http://h"));
//// trim-like
p("  a b  ".replace(/^\s+|\s+$/g, ""), "\ufeffx\u00a0".replace(/^\s+|\s+$/g, ""));
//// escape-regexp-helper
function esc(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
p(esc("a.b*c(d)"), new RegExp(esc("1+1=2")).test("1+1=2"));
//// alternation-order
p(/a|ab/.exec("abc"), /ab|a/.exec("abc"), /(a|ab)(c|bcd)(d*)/.exec("abcd"));
//// greedy-lazy-backtrack
p(/<.+>/.exec("<a><b>")[0], /<.+?>/.exec("<a><b>")[0], /a.*b/.exec("axbxb")[0], /(a+)(a+)/.exec("aaaa"));
//// catastrophic-small-ok
p(/^(a+)+$/.test("aaaaaaaaaaaaaaa"), /^(a+)+$/.test("aaaaaaaaaaaaab"));
//// long-subject
var s = new Array(10001).join("ab");
p(s.match(/ab/g).length, s.replace(/b/g, "").length, s.split(/a/).length, /(?:ab)+$/.exec(s)[0].length);
//// many-groups
var src = "";
for (var i = 0; i < 40; i++) src += "(.)";
var m = new RegExp(src).exec(new Array(41).join("x"));
p(m.length, m[40]);
//// symbol-methods-on-plain-object
var fake = { flags: "g", lastIndex: 0, exec: function (s) { if (this.lastIndex >= s.length) { this.lastIndex = 0; return null; } var a = [s.charAt(this.lastIndex)]; a.index = this.lastIndex++; return a; } };
p(RegExp.prototype[Symbol.match].call(fake, "abc"), RegExp.prototype[Symbol.replace].call(fake, "abc", "<$&>"));
//// symbol-search-on-plain-object
var fake = { lastIndex: 7, exec: function () { this.lastIndex = 3; var a = ["x"]; a.index = 2; return a; } };
p(RegExp.prototype[Symbol.search].call(fake, "abc"), fake.lastIndex);
//// symbol-match-false-isregexp
var r = /a/g;
r[Symbol.match] = false;
p("/a/g".indexOf(r), RegExp(r) === r);
//// isregexp-matchall-custom
var o = { flags: "x" };
o[Symbol.match] = true;
tn(function () { "a".matchAll(o); });
//// exec-incompatible
tn(function () { RegExp.prototype.exec.call({}, "a"); });
tn(function () { RegExp.prototype.test.call(1, "a"); });
//// exec-on-prototype
tn(function () { RegExp.prototype.exec("a"); });
p(RegExp.prototype.toString());
//// string-methods-generic-this
p(String.prototype.match.call(12345, /3(4)/), String.prototype.replace.call(true, /r/, "R"), String.prototype.split.call(1.5, /\./));
//// replace-special-in-function-result
p("abc".replace(/b/, function () { return "$&"; }));
//// replace-astral-template
p("ab".replace(/b/, "\ud83d\ude00$&\ud83d\ude00"), "\u00e9b".replace(/b/, "$`$`"));
//// multiline-flag-anchors-combined
p("a\nb\nc".replace(/^(.)$/gm, "[$1]"), /^b$/m.test("a\nb\nc"), /^b$/.test("a\nb\nc"));
//// sticky-anchor-semantics
var r = new RegExp("^a", "y");
r.lastIndex = 1;
p(r.test("aa"), new RegExp("^a", "my").test("b\na") );
var r2 = new RegExp("a", "my");
r2.lastIndex = 2;
p(r2.test("b\na"));
//// sticky-match-global
p("aaxa".match(new RegExp("a", "y")), "aaxa".match(new RegExp("a", "gy")));
//// sticky-split
p("a,b".split(new RegExp(",", "y")));
//// hasIndices-replace
p("abc".replace(new RegExp("b", "dg"), "X"), new RegExp("(b)", "d").exec("abc").indices[1]);
//// compile-cache-reuse
var a = [];
for (var i = 0; i < 300; i++) a.push(new RegExp("x" + (i % 7) + "y").test("x" + (i % 7) + "y"));
p(a.indexOf(false), a.length);
//// cache-eviction
var ok = true;
for (var i = 0; i < 600; i++) if (!new RegExp("^n" + i + "$").test("n" + i)) ok = false;
var keep = new RegExp("^keep$");
for (var i = 0; i < 600; i++) new RegExp("z" + i);
p(ok, keep.test("keep"));
//// syntax-bare-brackets
p(/a]/.test("a]"), /a}/.test("a}"), /[]]/.test("]"), /[\]]/.test("]"));
//// syntax-slash-in-class
p(new RegExp("[/]").test("/"), new RegExp("/").source);
//// syntax-pcre-only-constructs-literal
p(new RegExp("\\Q").test("Q"), new RegExp("\\E").test("E"), new RegExp("\\A").test("A"), new RegExp("\\z").test("z"), new RegExp("\\Z").test("Z"), new RegExp("\\R").test("R"), new RegExp("\\h").test("h"), new RegExp("\\N").test("N"), new RegExp("\\G").test("G"));
//// syntax-pcre-only-groups-rejected
t(function () { new RegExp("(?i)a"); });
t(function () { new RegExp("(?>a)"); });
t(function () { new RegExp("(?#c)"); });
t(function () { new RegExp("(*FAIL)"); });
t(function () { new RegExp("(?P<n>a)"); });
t(function () { new RegExp("(?|a)"); });
//// syntax-posix-class-literal
p(new RegExp("[[:alpha:]]").test(":"), new RegExp("[[:alpha:]]").test("1"), new RegExp("[[.a.]]").test("a]"));
//// syntax-hash-and-space
p(new RegExp("a #b").test("a #b"), new RegExp("a b", "i").test("A B"));
//// syntax-dollar-literal-after
p(/a$b/.test("a$b"), /a\$b/.test("a$b"), /$a/.test("a"));
//// syntax-caret-middle
p(/a^b/.test("ab"), /a|^b/.exec("cb"), /(^a)/.exec("ba"));
//// null-char-pattern
p(new RegExp("\u0000").test("\u0000"), new RegExp("[\u0000-\u0001]").test("\u0001"));
//// digits-in-class-u
p(new RegExp("[\\0]", "u").test("\u0000"));
t(function () { new RegExp("[\\1]", "u"); });
p(new RegExp("[\\1]").test("\u0001"), new RegExp("[\\08]").test("8"));
//// decimal-escape-u-errors
t(function () { new RegExp("\\1", "u"); });
t(function () { new RegExp("\\00", "u"); });
p(new RegExp("(a)\\1", "u").test("aa"));
//// u-lone-brace-errors
t(function () { new RegExp("a{1", "u"); });
t(function () { new RegExp("\\c", "u"); });
t(function () { new RegExp("\\x1", "u"); });
t(function () { new RegExp("\\u12", "u"); });
//// u-class-set-range-error
t(function () { new RegExp("[\\d-a]", "u"); });
t(function () { new RegExp("[a-\\w]", "u"); });
p(new RegExp("[\\d-]", "u").test("-"), new RegExp("[-\\d]", "u").test("-"));
//// u-class-escapes-ok
p(new RegExp("[\\-\\]\\[\\\\]+", "u").exec("-][\\")[0]);
//// empty-alternatives
p(/a|/.exec("b"), /|a/.exec("a"), /(|a)+/.exec("a"));
//// nested-quantified-alternation
p(/(?:a|b)*c/.exec("ababc"), /((a)|(b))*/.exec("ab"));
//// match-result-props
var m = /b/.exec("abc");
p(Object.keys(m), m.length, Array.isArray(m));
//// match-result-d-props
var m = new RegExp("b", "d").exec("abc");
p(Object.keys(m));
//// replace-callback-modifies-regex
var r = /a/g;
p("aaa".replace(r, function () { r.lastIndex = 0; return "b"; }));
//// replace-global-lastindex-after
var r = /a/g;
r.lastIndex = 2;
p("aXa".replace(r, "b"), r.lastIndex);
//// replace-nonglobal-lastindex-untouched
var r = /a/;
r.lastIndex = 2;
p("aXa".replace(r, "b"), r.lastIndex);
//// tostring-of-regexps
p(String(new RegExp("a/b", "gimsuyd")), String(new RegExp("[/]/")), String(new RegExp("\n")));
//// regexp-in-json
p(JSON.stringify({ r: /a/g }), JSON.stringify([new RegExp("x")]));
//// regexp-equality
p(/a/ === /a/, new RegExp("a") === new RegExp("a"), new RegExp("a").source === new RegExp("a").source);
//// regexp-as-property-key
var o = {};
o[/x/g] = 1;
p(Object.keys(o));
//// regexp-constructor-property
p(/a/.constructor === RegExp, new RegExp("a").constructor === RegExp, Object.getPrototypeOf(/a/) === RegExp.prototype, Object.getPrototypeOf(new RegExp("a")) === RegExp.prototype);
//// regexp-prototype-own-names
var names = ["exec", "test", "toString", "source", "flags", "global", "ignoreCase", "multiline", "dotAll", "unicode", "sticky", "hasIndices"];
var out = [];
for (var i = 0; i < names.length; i++) out.push(Object.prototype.hasOwnProperty.call(RegExp.prototype, names[i]));
p(out.join(","));
//// getter-descriptors
var d = Object.getOwnPropertyDescriptor(RegExp.prototype, "global");
p(typeof d.get, d.set, d.enumerable, d.configurable);
//// string-search-regexp-conversion
t(function () { "a+b".search("+"); });
//// match-with-string-special
p("(a)".match("\\(a\\)")[0], "a.c".match("a.c")[0], "abc".match("a.c")[0]);
//// split-limit-captures-cut
p("a1b2c3".split(/(\d)/, 3), "a1b2c3".split(/(\d)/, 4));
//// split-no-match
p("abc".split(/x/), "abc".split(/x/, 1));
//// split-leading-trailing
p(",a,".split(/,/), "a".split(/a/), "aa".split(/a/));
//// split-empty-captures
p("abc".split(/()/), "ab".split(/(?:)/, 1));
//// matchall-unicode-empty
var it = "\ud83d\ude00".matchAll(new RegExp("", "gu"));
var out = [];
var r;
while (!(r = it.next()).done) out.push(r.value.index);
p(out);
//// sticky-lookbehind-before-lastindex
var r = new RegExp("(?<=a)b", "y");
r.lastIndex = 1;
p(r.test("ab"));
//// global-and-sticky-exec-loop
var r = new RegExp("\\d", "gy");
var out = [];
var m;
while ((m = r.exec("12a3"))) out.push(m[0]);
p(out, r.lastIndex);
//// exec-after-source-change
var r = /a/;
tn(function () { r.source = "b"; });
p(r.source, r.test("a"));
//// regexp-subclass-like-proto
var r = new RegExp("a");
var o = Object.create(r);
tn(function () { o.exec("a"); });
//// i-flag-class-negation
p(/[^a]/i.test("A"), /[^A]/i.test("a"), /[^\u00e9]/i.test("\u00c9"));
//// big-quantifier
p(new RegExp("a{0,100000}").exec("aaa")[0], new RegExp("^a{3,100000}$").test("aa"));
t(function () { new RegExp("a{100000}"); });
//// replace-big-string
var s = new Array(2001).join("k=v;");
var out = s.replace(/(\w)=(\w)/g, "$2=$1");
p(out.length, out.slice(0, 8));
//// dollar-digit-boundaries
p("abc".replace(/(b)/, "$1$2$3"), "abc".replace(/(b)/, "$"), "abc".replace(/b/, "$9"));
//// named-group-duplicate-error
// Two groups of one name that could both take part (ES2025 allows a name again only in
// another alternative: tests/compiler/corpus/regexp-duplicate-names.js).
t(function () { new RegExp("(?<a>x)(?<a>y)"); });
t(function () { new RegExp("(?<a>x)|(?<b>y)(?:(?<b>z))"); });
//// regexp-custom-prototype
var Sub = function () {};
Sub.prototype = Object.create(RegExp.prototype);
Sub.prototype.hello = function () { return "hi"; };
var r = new RegExp("a(b)", "g");
Object.setPrototypeOf(r, Sub.prototype);
p(r.exec("xab"), r.hello(), r.lastIndex, "abab".replace(r, "[$1]"), r instanceof RegExp);
var o = Object.create(Object.create(r));
tn(function () { o.exec("ab"); });
tn(function () { RegExp.prototype.test.call(Object.create(/x/), "x"); });
//// regexp-literal-reused-evaluations
var out = [];
for (var i = 0; i < 5; i++) {
  var r = /(\d)/g;
  out.push(r.lastIndex, r.exec("a" + i)[1], r.lastIndex, r.source);
}
p(out);
//// regexp-new-from-literal
var lit = /x(y)/gi;
var c = new RegExp(lit);
var c2 = new RegExp(lit, "m");
p(c.source, c.flags, c2.flags, c.exec("XY")[1], lit !== c, RegExp(lit) === lit);
//// bt-capture-reset-basic
p(/(a(b)?)+/.exec("aba"), /(?:(a)|b)+/.exec("ab"), /(?:(a)|(b))+/.exec("ab"));
//// bt-capture-reset-nested
p(/((a)|(b))+/.exec("abab"), /(?:(x)?y)+/.exec("xyy"), /(?:(?:(a)|(b))c)+/.exec("acbc"));
//// bt-capture-reset-global
p("aXbXab".match(/(?:(a)|(b)|X)+/g));
var it = "ab-ba".matchAll(/(?:(a)|(b))+/g);
for (var m of it) p(m);
//// bt-empty-check-basic
p(/(|a)+/.exec("a"), /(a|)+/.exec("aa"), /(?:a?)+?b/.exec("aab"), /(?:|a)*/.exec("aa"));
//// bt-empty-check-capture
p(/(a*)?/.exec("b"), /(a*)+/.exec("b"), /(a*)*/.exec("b"), /(?:(a)|)*/.exec("aa"), /(a?)?/.exec(""));
//// bt-empty-lazy
p(/(a|)*?b/.exec("aab"), /(?:|b)+?c/.exec("bbc"), /(|a)+?$/.exec("aa"));
//// bt-empty-check-min
p(/(?:a|){3}b/.exec("ab"), /(a|){2,}b/.exec("ab"), /(a|){2,3}/.exec("aaaa"), /(?:()|a){2}/.exec("a"));
//// bt-lookbehind-unbounded
p(/(?<=a+)b/.exec("aaab"), /(?<=\d{1,}x)y/.exec("12xy"), /(?<!a+)b/.exec("cb"), /(?<!a+)b/.exec("ab"));
p("x1 y22 z333".match(/(?<=[a-z]\d*)\d/g));
//// bt-lookbehind-captures
p(/(?<=(\d+)(\d+))$/.exec("1053"), /(?<=(\d+)(\d+))x/.exec("12x"), /(?<=(\d+?)(\d+))$/.exec("1053"));
//// bt-lookbehind-backref
p(/(?<=\1(a))b/.exec("aab"), /(?<=(a)\1)b/.exec("ab"), /(?<=(.)\1)c/.exec("xaac"), /(?<=\1(.))c/.exec("aac"));
//// bt-lookbehind-nested-lookahead
p(/(?<=a(?=b)b+)c/.exec("abbc"), /(?<=(?<=x)(a+))b/.exec("xaab"), /(?<=(?!a)(.+))b/.exec("cab"));
//// bt-lookbehind-alternation-captures
p(/(?<=(ab|b)c)d/.exec("abcd"), /(?<=(?:(a)|(b))+)c/.exec("abc"), /(?<=(a|ab)(c|bc))d/.exec("abcd"));
//// bt-lookbehind-negative-captures
p(/(?<!(a+))b/.exec("cb"), /(?<!(a)(b+))c/.exec("abc xc"));
//// bt-backref-reset
p(/(?:\1(a))+/.exec("aa"), /(?:(a)\1)+/.exec("aaaa"), /(?:\2(a)|(b))+/.exec("bab"));
//// bt-backref-icase
p(/(?:(a)\1|b)+/i.exec("aAbaa"), /(?:(\u00e9)\1|x)+/i.exec("\u00e9\u00c9x"), /(?:(k)\1|x)+/i.exec("k\u212ax"));
p(/(?:(k)\1|x)+/iu.exec("k\u212ax"));
//// bt-big-quantifier
p(/a{70000}/.test("a".repeat(70000)), /^a{0,70000}$/.test("a".repeat(69999)), /^a{70000}$/.test("a".repeat(69999)));
p(/^(?:ab){66000,}$/.test("ab".repeat(66000)), /a{99999999999}/.test("aaa"), /x{2,99999}/.exec("axxxb"));
//// bt-astral-u
p(/(?:(\u{1F600})|x)+/u.exec("\u{1F600}x"), /(?<=\u{1F600}+)a/u.exec("\u{1F600}\u{1F600}a"));
p(/(?<=(.))a/u.exec("\u{1F600}a"), /(?<=(.))a/.exec("\u{1F600}a"));
//// bt-astral-dot-indices
var m = /(?:(.)|-)+/du.exec("\u{1F600}-");
p(m, m.indices);
m = /(?:(.)|-)+/d.exec("\u{1F600}-");
p(m, m.indices);
//// bt-astral-class-u
p(/(?:([\u{1F600}-\u{1F64F}])|\s)+/u.exec(" \u{1F601} \u{1F602}"), /^(?:[^a]|(b))+$/u.exec("\u{1F600}b"));
//// bt-i-flag
p(/(?:(K)|x)+/i.exec("kx"), /(?:(\u017f)|x)+/i.exec("sx"), /(?:(\u017f)|x)+/iu.exec("sx"), /(?:(\u212a)|x)+/iu.exec("kx"));
//// bt-i-class
p(/(?:([^a-z])|x)+/i.exec("X1"), /(?:([A-Z]+)|\d)+/i.exec("ab1cd"), /(?<=[A-Z]+)\d/i.exec("ab1"));
//// bt-property-u
p(/(?:(\p{Lu})|\p{Ll})+/u.exec("aBc"), /(?<=\p{Script=Greek}+)x/u.exec("\u03b1\u03b2x"), /(?:(\P{L})|a)+/u.exec("a1a"));
//// bt-sticky
var r = /(?:(a)|b)+/y;
r.lastIndex = 1;
p(r.exec("xab"), r.lastIndex);
p(r.exec("xab"), r.lastIndex);
r.lastIndex = 0;
p(r.test("xab"), r.lastIndex);
//// bt-global-lastindex
var r = /(?:(a)|b)+/g, m;
while ((m = r.exec("ab-ba-x-b")) !== null) p(m, r.lastIndex);
p("aab".replace(/(|a)+/g, "[$&]"), "aab".replace(/(a|)+/g, "[$&]"));
//// bt-split
p("a1b22c".split(/(?:(1)|2)+/), "abc".split(/(|b)+/), "a,b;;c".split(/(?:(,)|;)+/, 2));
//// bt-replace-fn
p("abab".replace(/(?:(a)|(b))+/g, function (m, a, b) { return [m, a, b].join("|"); }));
p("abab".replace(/(?:(a)|(b))+/, "<$1,$2,$&>"));
//// bt-named-groups
var m = /(?:(?<x>a)|(?<y>b))+/.exec("ab");
p(m, m.groups);
p("ab".replace(/(?:(?<x>a)|(?<y>b))+/, "[$<x>|$<y>]"), /(?:\k<x>(?<x>a))+/.exec("aa"));
//// bt-hasindices
var m = /(?:(a)|b)+/d.exec("xab");
p(m.indices, m.indices[1]);
m = /(?:(?<n>a)|b)+/d.exec("ab");
p(m.indices.groups);
//// bt-multiline
p(/(?:^(a)|b)+$/m.exec("x\nab"), /(?:(a)$|\n)+/m.exec("a\na\nb"));
//// bt-dotall
p(/(?:(.)|x)+/s.exec("\nx"), /(?:(.)|x)+/.exec("\nx"), /(?<=.+)x/s.exec("\n\nx"), /(?<=^.+)x/.exec("a\nbx"));
//// bt-word-boundary
p(/(?:(\b\w)|\w)+/.exec("ab cd"), /(?:(\B\w)|\w)+/.exec("ab"), /(?<=\b\w+)!/.exec("hey!"));
//// bt-lookahead-in-rep
p(/(?:(?!(a))(.))+/.exec("bca"), /(?:(?=(a))a|b)+/.exec("ab"), /(?:(?=(\w))\w)+/.exec("ab"));
//// bt-lazy-bounded
p(/(?:(a)|b)+?c/.exec("abc"), /(?:(a)|b){2,3}?/.exec("abab"), /(?:(a)|b){2}/.exec("ab"), /(?:(a)|b){1,2}c/.exec("abc"));
//// bt-catastrophic-finite
p(/^(?:(a)|a)+$/.test("a".repeat(12) + "b"), /^(?:(a)|a)+$/.exec("aaaa"));
//// bt-annexb-escapes
p(/(?:\8|(a))+/.exec("8a"), /(?:(a)|\1)+/.exec("a"), /(?:(a)|\c)+/.exec("\\ca"), /(?:(a)|{)+/.exec("{a"));
//// bt-search-match
p("xxab".search(/(?:(a)|b)+/), "ab".match(/(?:(a)|b)+/), "ba".match(/(?:(a)|b)+/));
//// bt-astral-non-u
p(/(?:(\ud83d)|x)+/.exec("\ud83d\ude00"), /(?<=\ude00+)x/.exec("\ud83d\ude00x"));
//// bt-lone-surrogate-u
p(/(?:(\ud83d)|x)+/u.exec("\ud83dx"), /(?:(\ud83d)|x)+/u.exec("\ud83d\ude00x"), /(?<=(\udc00))x/u.exec("\udc00x"));
//// bt-lastindex-in-pair-u
var r = /(?:(\u{1F600})|x)+/gu;
r.lastIndex = 1;
p(r.exec("\u{1F600}x"), r.lastIndex);
//// bt-deep-nesting
p(/((((a)|b)+)|c)+/.exec("abca"), /(?:(?:(a)|b)*c)+/.exec("acbc"));
//// bt-icase-backref-nonascii
p(/(\u00e9)\1/i.exec("\u00e9\u00c9"), /(k)\1/i.exec("k\u212a"), /(k)\1/iu.exec("k\u212a"), /(\u03c3)\1/i.exec("\u03c3\u03a3"));
p(/(\u{10400})\1/iu.exec("\u{10400}\u{10428}"), /(.)\1/i.exec("aA\u00df\u1e9e"), /(?<=\1(\u00e9))x/i.exec("\u00c9\u00e9x"));
//// word-boundary-iu
p(/a\b/iu.test("a\u017f"), /a\b/i.test("a\u017f"), /a\B/iu.test("a\u212a"), /\bk/iu.test("\u212a"), /(?:(a\b)|-)+/iu.exec("a\u017f-"), /(?<=a\b)-/iu.exec("a-"));
//// bt-star-giveback
p(/^(?:(a)|b)+.*c/.exec("abxxcyyc"), /^(?:(a)|b)+.*?c/.exec("abxxcyyc"), /(?:(a)|b)+[^]{2,}b/.exec("abab"));
p(/(?:(a)|b)+\u{1F600}*\u{1F600}x/u.exec("a\u{1F600}\u{1F600}x"), /(?:(a)|b)+.*\ude00/.exec("a\ud83d\ude00"), /(?:(a)|b)+.*\ude00/u.exec("a\ud83d\ude00"));
p(/(?<=(\d+)\.\d*)x/.exec("12.34x"), /(?:(a)|b)+.{0,3}$/.exec("ab12345"), /(?<=^\w*(\w)\w*)!/.exec("abc!"), /(?:(a)|b)+\d{2,3}/.exec("ab1234"));
//// bt-empty-check-optional
p(/(?:b*?)?/.exec("b"), /(?:[^a]*?)?c/.exec("bc"), /(?:b??)?/.exec("b"), /(?:|b)?/.exec("b"), /(?:(?=b)|b)?/.exec("b"), /(?:a*)?/.exec("aa"));
