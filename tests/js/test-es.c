/* The ES2015+ library Duktape lacks (lib/js/es-*.c, lib/js/structured-clone.c). Each case is
 * a snippet whose completion value is a string; the expected strings were produced by running
 * the same snippets, after the same prelude, in Node 20 (S formats a value, T catches an
 * error as "E:" + its name). */
#include <stdint.h>
#include <stdlib.h>

#include "js/js.h"
#include "test.h"

static const char prelude[] =
    "function S(v){ if (typeof v === 'number' && v === 0 && 1/v < 0) return '-0'; if (typeo"
    "f v === 'string') return JSON.stringify(v).replace(/[^\\x20-\\x7e]/g, function(c){ retur"
    "n '\\\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4) }); if (typeof v === 'symbo"
    "l') return v.toString(); if (Array.isArray(v)) { var o = []; for (var i = 0; i < v.len"
    "gth; i++) o.push(i in v ? S(v[i]) : '<hole>'); return '[' + o.join(',') + ']'; } if (v"
    " && typeof v === 'object') { return '{' + Object.keys(v).map(function(k){ return k + '"
    ":' + S(v[k]) }).join(',') + '}'; } return String(v); } "
    "function T(f){ try { return S(f()); } catch (e) { return 'E:' + (e && e.name); } } ";

static const struct {
  const char *src;
  const char *expected;
} cases[] = {
    {"var m = new Map([[1,'a'],[2,'b']]); m.set(NaN, 'n').set(-0, 'z'); S([m.size, m.get(NaN)"
     ", m.get(0), m.has(+0), m.get(2)])",
     "[4,\"n\",\"z\",true,\"b\"]"},
    {"var m = new Map(); m.set(-0, 1); var k; m.forEach(function(v, key){ k = key }); S([1/k,"
     " m.has(-0), m.has(0)])",
     "[Infinity,true,true]"},
    {"var m = new Map(); m.set('b',1); m.set('a',2); m.set('b',3); S(Array.from(m))",
     "[[\"b\",3],[\"a\",2]]"},
    {"var m = new Map([[1,1],[2,2],[3,3]]); var seen=[]; m.forEach(function(v,k){ seen.push(k"
     "); if (k===1) { m.delete(2); m.set(4,4); } }); S(seen)",
     "[1,3,4]"},
    {"var m = new Map([[1,1],[2,2],[3,3]]); var it = m.keys(); var out=[it.next().value]; m.c"
     "lear(); m.set(9,9); var r = it.next(); out.push(r.value, r.done, it.next().done); S(out"
     ")",
     "[1,9,false,true]"},
    {"var m = new Map([[1,1]]); var it = m.entries(); m.clear(); S(it.next())",
     "{value:undefined,done:true}"},
    {"var m = new Map(); for (var i=0;i<100;i++) m.set(i,i); for (var j=0;j<95;j++) m.delete("
     "j); var it = m.keys(); var a=[it.next().value]; for (var k=200;k<230;k++) m.set(k,k); m"
     ".delete(96); var r=[]; var x; while(!(x=it.next()).done) r.push(x.value); S([a, r.lengt"
     "h, r[0], r[1], r[r.length-1], m.size])",
     "[[95],33,97,98,229,34]"},
    {"var m = new Map(); var keys=[]; for (var i=0;i<50;i++){ m.set('k'+i,i); } var it = m.ke"
     "ys(); for (var j=0;j<10;j++) it.next(); for (var d=0; d<40; d++) m.delete('k'+d); for ("
     "var n=0;n<40;n++) m.set('n'+n, n); var x; while(!(x=it.next()).done) keys.push(x.value)"
     "; S([keys.length, keys[0], keys[keys.length-1]])",
     "[50,\"k40\",\"n39\"]"},
    {"var m = new Map(); var o = {}; var f = function(){}; m.set(o, 1).set(f, 2).set('1', 3)."
     "set(1, 4).set(true, 5).set(null, 6).set(undefined, 7); S([m.get(o), m.get(f), m.get('1'"
     "), m.get(1), m.get(true), m.get(null), m.get(undefined), m.get({}), m.size])",
     "[1,2,3,4,5,6,7,undefined,7]"},
    {"T(function(){ return Map(); })",
     "E:TypeError"},
    {"T(function(){ return new Map(5); })",
     "E:TypeError"},
    {"T(function(){ return new Map([1]); })",
     "E:TypeError"},
    {"T(function(){ return Map.prototype.get.call({}, 1); })",
     "E:TypeError"},
    {"S([Map.length, Map.name, Map.prototype.set.length, Map.prototype.forEach.length, Object"
     ".keys(Map.prototype).length, Map.prototype.get.name, Object.prototype.toString.call(new"
     " Map()), Map.prototype[Symbol.iterator] === Map.prototype.entries])",
     "[0,\"Map\",2,1,0,\"get\",\"[object Map]\",true]"},
    {"var d = Object.getOwnPropertyDescriptor(Map.prototype, 'size'); S([typeof d.get, d.set,"
     " d.enumerable, d.configurable, d.get.name])",
     "[\"function\",undefined,false,true,\"get size\"]"},
    {"T(function(){ return Object.getOwnPropertyDescriptor(Map.prototype, 'size').get.call(ne"
     "w Set()) })",
     "E:TypeError"},
    {"var log=[]; var orig = Map.prototype.set; Map.prototype.set = function(k,v){ log.push(k"
     "); return orig.call(this,k,v); }; var m = new Map([[1,2],[3,4]]); Map.prototype.set = o"
     "rig; S([log, m.size])",
     "[[1,3],2]"},
    {"T(function(){ var orig = Map.prototype.set; Map.prototype.set = 5; try { new Map([]); }"
     " finally { Map.prototype.set = orig } })",
     "E:TypeError"},
    {"var closed = 0; var it = {}; it[Symbol.iterator] = function(){ return { next: function("
     "){ return {value: 5, done: false} }, 'return': function(){ closed++; return {} } } }; v"
     "ar r = T(function(){ return new Map(it) }); S([r, closed])",
     "[\"E:TypeError\",1]"},
    {"var m = new Map([['x', 1]]); var e = m.entries(); S([Object.prototype.toString.call(e),"
     " e[Symbol.iterator]() === e, typeof Object.getPrototypeOf(Object.getPrototypeOf(e))[Sym"
     "bol.iterator]])",
     "[\"[object Map Iterator]\",true,\"function\"]"},
    {"var m = new Map([[1,'a'],[2,'b']]); S([Array.from(m.keys()), Array.from(m.values()), Ar"
     "ray.from(m.entries())])",
     "[[1,2],[\"a\",\"b\"],[[1,\"a\"],[2,\"b\"]]]"},
    {"var m = new Map(); var o = {}; S([m.set(o, 1) === m, m.delete(o), m.delete(o), m.size, "
     "m.has(o)])",
     "[true,true,false,0,false]"},
    {"var m = new Map(); for (var i = 0; i < 1000; i++) m.set('k' + i, i); var s = 0; m.forEa"
     "ch(function(v){ s += v }); for (var j = 0; j < 1000; j += 2) m.delete('k' + j); S([m.si"
     "ze, s, m.get('k999'), m.get('k998'), Array.from(m.keys()).slice(0,3)])",
     "[500,499500,999,undefined,[\"k1\",\"k3\",\"k5\"]]"},
    {"var m = new Map([[1,1]]); var thisv; m.forEach(function(){ thisv = this }, 'ctx'); S([S"
     "tring(thisv), typeof thisv])",
     "[\"ctx\",\"object\"]"},
    {"var m = new Map([[1,1]]); var n = 0; m.forEach(function(v, k){ if (n++ < 5) { m.delete("
     "k); m.set(k, v) } }); S([n, m.size])",
     "[6,1]"},
    {"var s = new Set([1, 2, 2, NaN, NaN, -0, 0, '1']); S([s.size, s.has(NaN), s.has(-0), Arr"
     "ay.from(s)])",
     "[5,true,true,[1,2,NaN,0,\"1\"]]"},
    {"var s = new Set('hello'); S(Array.from(s))",
     "[\"h\",\"e\",\"l\",\"o\"]"},
    {"var s = new Set([1,2,3]); var out = []; s.forEach(function(v, v2, set){ out.push(v + ':"
     "' + v2 + ':' + (set === s)); if (v === 1) s.add(4); if (v === 2) s.delete(3) }); S(out)",
     "[\"1:1:true\",\"2:2:true\",\"4:4:true\"]"},
    {"S([Set.prototype.keys === Set.prototype.values, Set.prototype[Symbol.iterator] === Set."
     "prototype.values, Set.prototype.add.length, Set.length, Object.prototype.toString.call("
     "new Set().values()), typeof Set.prototype.get])",
     "[true,true,1,0,\"[object Set Iterator]\",\"undefined\"]"},
    {"var s = new Set([1,2]); var e = Array.from(s.entries()); S(e)",
     "[[1,1],[2,2]]"},
    {"T(function(){ return Set.prototype.add.call(new Map(), 1) })",
     "E:TypeError"},
    {"var s = new Set(); var it = s.values(); s.add('late'); S([it.next().value, it.next().do"
     "ne])",
     "[\"late\",true]"},
    {"var s = new Set([1]); var it = s.values(); it.next(); S([it.next().done, (s.add(2), it."
     "next().done)])",
     "[true,true]"},
    {"var s = new Set([1,2,3,4,5]); var out=[]; for (var it = s.values(), x; !(x = it.next())"
     ".done;) { out.push(x.value); if (x.value === 2) { s.clear(); s.add(7); s.add(8); } } S("
     "out)",
     "[1,2,7,8]"},
    {"var wm = new WeakMap(); var k = {}; var k2 = function(){}; wm.set(k, 1).set(k2, 2); S(["
     "wm.get(k), wm.get(k2), wm.has(k), wm.has({}), wm.delete(k), wm.has(k), wm.get(k), wm.de"
     "lete(k)])",
     "[1,2,true,false,true,false,undefined,false]"},
    {"T(function(){ return new WeakMap().set(1, 2) })",
     "E:TypeError"},
    {"T(function(){ return new WeakMap().set('str', 2) })",
     "E:TypeError"},
    {"var wm = new WeakMap(); S([wm.get(1), wm.has('x'), wm.delete(null)])",
     "[undefined,false,false]"},
    {"var wm = new WeakMap(); var o = Object.freeze({}); wm.set(o, 'f'); var p = {}; Object.p"
     "reventExtensions(p); wm.set(p, 'p'); S([wm.get(o), wm.get(p), wm.has(o), wm.delete(o), "
     "wm.has(o), wm.get(p)])",
     "[\"f\",\"p\",true,true,false,\"p\"]"},
    {"var wm1 = new WeakMap(), wm2 = new WeakMap(); var k = {}; wm1.set(k, 1); S([wm2.has(k),"
     " wm2.get(k), wm1.get(k)])",
     "[false,undefined,1]"},
    {"var wm = new WeakMap(); var proto = {}; var child = Object.create(proto); wm.set(proto,"
     " 'p'); S([wm.has(child), wm.get(child), wm.get(proto)])",
     "[false,undefined,\"p\"]"},
    {"var wm = new WeakMap(); var k = {}; wm.set(k, 1); Object.freeze(k); wm.set(k, 2); var a"
     " = wm.get(k); wm.delete(k); S([a, wm.has(k), (wm.set(k, 3), wm.get(k))])",
     "[2,false,3]"},
    {"var k1 = {}, k2 = {}; var wm = new WeakMap([[k1, 'a'], [k2, 'b']]); S([wm.get(k1), wm.g"
     "et(k2), Object.keys(k1).length, JSON.stringify(k1), Object.getOwnPropertyNames(k1).leng"
     "th])",
     "[\"a\",\"b\",0,\"{}\",0]"},
    {"T(function(){ return WeakMap() })",
     "E:TypeError"},
    {"T(function(){ return new WeakMap([[1, 2]]) })",
     "E:TypeError"},
    {"var ws = new WeakSet(); var o = {}; S([ws.add(o) === ws, ws.has(o), ws.has({}), ws.dele"
     "te(o), ws.has(o), ws.has(1)])",
     "[true,true,false,true,false,false]"},
    {"T(function(){ return new WeakSet().add(1) })",
     "E:TypeError"},
    {"S([WeakMap.length, WeakSet.length, WeakMap.prototype.set.length, Object.prototype.toStr"
     "ing.call(new WeakMap()), Object.prototype.toString.call(new WeakSet()), typeof WeakMap."
     "prototype.clear])",
     "[0,0,2,\"[object WeakMap]\",\"[object WeakSet]\",\"undefined\"]"},
    {"var ws = new WeakSet([{}, {}]); var f = Object.freeze({}); ws.add(f); S([ws.has(f), ws."
     "delete(f), ws.has(f)])",
     "[true,true,false]"},
    {"var it = [1,2][Symbol.iterator](); S([Object.prototype.toString.call(it), it.next(), it"
     ".next(), it.next(), it.next()])",
     "[\"[object Array Iterator]\",{value:1,done:false},{value:2,done:false},{value:undefined"
     ",done:true},{value:undefined,done:true}]"},
    {"var a = [1,2]; var it = a.values(); it.next(); a.push(3); S([it.next().value, it.next()"
     ".value, it.next().done, (a.push(4), it.next().done)])",
     "[2,3,true,true]"},
    {"S([Array.from([,'x'].entries()), Array.from([,'x'].keys()), Array.from(['a','b'].values"
     "())])",
     "[[[0,undefined],[1,\"x\"]],[0,1],[\"a\",\"b\"]]"},
    {"S([Array.prototype[Symbol.iterator] === Array.prototype.values, Array.prototype.values."
     "name, Array.prototype.entries.length])",
     "[true,\"values\",0]"},
    {"var it = 'a\\uD83D\\uDE00b\\uD800'[Symbol.iterator](); var out=[]; var x; while(!(x = i"
     "t.next()).done) out.push(x.value.length); S([out, Object.prototype.toString.call(it)])",
     "[[1,2,1,1],\"[object String Iterator]\"]"},
    {"S(Array.from('x\\uD83D\\uDE00y'))",
     "[\"x\",\"\\ud83d\\ude00\",\"y\"]"},
    {"var f = function(){ return Array.from(arguments) }; S(f(1, 'a', null))",
     "[1,\"a\",null]"},
    /* ES2024 groupBy: expected values from Node 22 (Node 20 has neither) */
    {"var g = Object.groupBy([1, 2, 3, 4, 5], function (x, i) { return x % 2 ? 'odd' : 'even' + i % 2 }); S([Object.getPrototypeOf(g) === null, Object.keys(g), g.odd, g.even1, g.even0])",
     "[true,[\"odd\",\"even1\"],[1,3,5],[2,4],undefined]"},
    {"var g = Object.groupBy(new Set(['ab', 'c', 'de']), function (s) { return s.length }); S([Object.keys(g), g[2], g[1]])",
     "[[\"1\",\"2\"],[\"ab\",\"de\"],[\"c\"]]"},
    {"var m = Map.groupBy([1, -0, 0, 2], function (x) { return x === 2 ? 'two' : x }); var k = []; m.forEach(function (v, key) { k.push(key, v) }); S([m instanceof Map, m.size, k])",
     "[true,3,[1,[1],0,[-0,0],\"two\",[2]]]"},
    {"var key = {}; var m = Map.groupBy('aba', function () { return key }); S(m.get(key))",
     "[\"a\",\"b\",\"a\"]"},
    {"S([T(function(){ return Object.groupBy([1], 5) }), T(function(){ return Map.groupBy(null, String) }), T(function(){ return Object.groupBy({}, String) }), Object.groupBy.length, Map.groupBy.name])",
     "[\"E:TypeError\",\"E:TypeError\",\"E:TypeError\",2,\"groupBy\"]"},
    /* (an arguments object's own @@iterator is the compiler's: corpus arguments-iterable) */
    {"S([Symbol.iterator in {}, Symbol.iterator in Object(1), Symbol.iterator in [],"
     " Symbol.iterator in Object('s')])",
     "[false,false,true,true]"},
    {"var o = {}; S([o[Symbol.iterator], typeof {}[Symbol.iterator], Object.keys(o).length])",
     "[undefined,\"undefined\",0]"},
    {"var o = {}; o[Symbol.iterator] = function(){ var i = 0; return { next: function(){ retu"
     "rn i < 2 ? {value: i++, done: false} : {done: true} } } }; S([Array.from(o), Object.pro"
     "totype.hasOwnProperty.call(o, Symbol.iterator)])",
     "[[0,1],true]"},
    {"var u = new Uint8Array([5, 6]); S([Array.from(u.entries()), Array.from(u.keys()), Array"
     ".from(u), u[Symbol.iterator] === u.values])",
     "[[[0,5],[1,6]],[0,1],[5,6],true]"},
    {"T(function(){ return Uint8Array.prototype.values.call([1]) })",
     "E:TypeError"},
    {"S([typeof Symbol.asyncIterator, String(Symbol.asyncIterator), Symbol.asyncIterator === "
     "Symbol.asyncIterator])",
     "[\"symbol\",\"Symbol(Symbol.asyncIterator)\",true]"},
    {"var ip = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())); S([ip ==="
     " Object.getPrototypeOf(Object.getPrototypeOf(''[Symbol.iterator]())), typeof ip[Symbol."
     "iterator], ip[Symbol.iterator].call(5) === 5])",
     "[true,\"function\",true]"},
    {"S([Array.from({length: 3}), Array.from({length: 2, 0: 'a', 1: 'b'}, function(v, i){ ret"
     "urn v + i }), Array.from([1,,3])])",
     "[[undefined,undefined,undefined],[\"a0\",\"b1\"],[1,undefined,3]]"},
    {"T(function(){ return Array.from(null) })",
     "E:TypeError"},
    {"T(function(){ return Array.from([1], 5) })",
     "E:TypeError"},
    {"S([Array.of(), Array.of(7), Array.of(1,2,3), Array.of.length, Array.from.length])",
     "[[],[7],[1,2,3],0,1]"},
    {"function C(){ this.made = true } var r = Array.from.call(C, {length: 2, 0: 'x', 1: 'y'}"
     "); S([r instanceof C, r.length, r[0], r.made])",
     "[true,2,\"x\",true]"},
    {"var r = Array.from(new Set([1, 2, 3]), function(x){ return x * this.k }, {k: 10}); S(r)",
     "[10,20,30]"},
    {"var a = [1, 2, 3, 4]; S([a.find(function(x){ return x > 2 }), a.findIndex(function(x){ "
     "return x > 2 }), a.findLast(function(x){ return x < 3 }), a.findLastIndex(function(x){ "
     "return x < 3 }), a.find(function(){ return false }), a.findIndex(function(){ return fal"
     "se }), a.findLastIndex(function(){ return false })])",
     "[3,2,2,1,undefined,-1,-1]"},
    {"var seen = []; [1,,3].find(function(v, i){ seen.push(i + ':' + v) }); S(seen)",
     "[\"0:1\",\"1:undefined\",\"2:3\"]"},
    {"T(function(){ return [].find(5) })",
     "E:TypeError"},
    {"S([[1, 2, NaN].includes(NaN), [1, 2, 3].includes(2, 2), [1, 2, 3].includes(3, -1), [-0]"
     ".includes(0), [,].includes(undefined), [1].indexOf(NaN), [1,2,3].includes(1, -100), [1,"
     "2,3].includes(1, 100)])",
     "[true,false,true,true,true,-1,true,false]"},
    {"S([[1, [2, [3, [4]]]].flat(), [1, [2, [3, [4]]]].flat(Infinity), [1, [2]].flat(0), [1, "
     ", 3, [4, , 6]].flat(), [[1]].flat(-1)])",
     "[[1,2,[3,[4]]],[1,2,3,4],[1,[2]],[1,3,4,6],[[1]]]"},
    {"S([[1, 2].flatMap(function(x){ return [x, x * 2] }), [1, 2].flatMap(function(x){ return"
     " [[x]] }), ['a b', 'c'].flatMap(function(s){ return s.split(' ') })])",
     "[[1,2,2,4],[[1],[2]],[\"a\",\"b\",\"c\"]]"},
    {"S([[1, 2, 3, 4].fill(0, 1, 3), [1, 2, 3].fill(9, -2), new Array(3).fill('x'), [1, 2, 3]"
     ".fill(5, 1, -1), [1,2,3].fill(7, NaN, NaN)])",
     "[[1,0,0,4],[1,9,9],[\"x\",\"x\",\"x\"],[1,5,3],[1,2,3]]"},
    {"S([[1, 2, 3].at(0), [1, 2, 3].at(-1), [1, 2, 3].at(3), [1, 2, 3].at(-4), [1, 2, 3].at(1"
     ".7), [1,2,3].at('-2'), [1,2,3].at(NaN)])",
     "[1,3,undefined,undefined,2,2,1]"},
    {"S([[1, 2, 3, 4, 5].copyWithin(0, 3), [1, 2, 3, 4, 5].copyWithin(1, 0, 3), [1, 2, 3, 4, "
     "5].copyWithin(-2, -4, -3), [1, , 3].copyWithin(0, 1)])",
     "[[4,5,3,4,5],[1,1,2,3,5],[1,2,3,2,5],[<hole>,3,3]]"},
    {"var a = [1, , 3].copyWithin(0, 1); S([0 in a, 1 in a, a.length])",
     "[false,true,3]"},
    {"S([Array.prototype.find.length, Array.prototype.includes.length, Array.prototype.flat.l"
     "ength, Array.prototype.copyWithin.length, Array.prototype.fill.length, Array.prototype."
     "at.name, Object.keys(Array.prototype).length])",
     "[1,1,0,2,1,\"at\",0]"},
    {"var keys = []; for (var k in [1, 2]) keys.push(k); S(keys)",
     "[\"0\",\"1\"]"},
    {"var o = {length: 3, 0: 'a', 2: 'c'}; S([Array.prototype.at.call(o, -1), Array.prototype"
     ".includes.call(o, undefined), Array.prototype.findIndex.call(o, function(v){ return v ="
     "== undefined })])",
     "[\"c\",true,1]"},
    {"var a = []; a[5] = 1; S([a.findLastIndex(function(v){ return v === undefined }), a.incl"
     "udes(undefined), a.indexOf(undefined)])",
     "[4,true,-1]"},
    {"var u = new Int16Array([1, -2, 3]); S([u.at(-1), u.includes(-2), u.includes(-2, 2), u.f"
     "ind(function(x){ return x < 0 }), u.findLastIndex(function(x){ return x > 0 }), Array.f"
     "rom(u.fill(7, 1)), Array.from(new Uint8Array(3).fill(300))])",
     "[3,true,false,-2,2,[1,7,7],[44,44,44]]"},
    {"var f = new Float64Array([NaN, -0]); S([f.includes(NaN), f.indexOf(NaN), f.includes(0),"
     " f.at(1)])",
     "[true,-1,true,-0]"},
    {"var u = new Uint8Array([5, 1, 4, 10]); S([Array.from(u.slice(1, 3)), u.slice(-1) instan"
     "ceof Uint8Array, Array.from(u.map(function(x){ return x * 2 })), Array.from(u.filter(fu"
     "nction(x){ return x > 3 })), u.join('-'), Array.from(new Uint8Array([3,1,2]).sort())])",
     "[[1,4],true,[10,2,8,20],[5,4,10],\"5-1-4-10\",[1,2,3]]"},
    {"var f = new Float64Array([3, -0, NaN, 0, -5, 10]); f.sort(); S([Array.from(f), 1/f[1], "
     "Array.from(new Int8Array([1, 2, 3]).sort(function(a, b){ return b - a })), Array.from(n"
     "ew Uint8Array([1,2,3,4,5]).copyWithin(0, 3))])",
     "[[-5,-0,0,3,10,NaN],-Infinity,[3,2,1],[4,5,3,4,5]]"},
    {"var u = new Uint8Array([1,2,3]); var s = 0; u.forEach(function(x){ s += x }); S([s, u.r"
     "educe(function(a, b){ return a + b }), u.some(function(x){ return x > 2 }), u.every(fun"
     "ction(x){ return x > 0 }), u.indexOf(3), Array.from(u.reverse())])",
     "[6,6,true,true,2,[3,2,1]]"},
    {"var o = {b: 1, a: 2, 1: 'x', 0: 'y'}; S([Object.entries(o), Object.values(o), Object.en"
     "tries('ab'), Object.values([7, 8])])",
     "[[[\"0\",\"y\"],[\"1\",\"x\"],[\"b\",1],[\"a\",2]],[\"y\",\"x\",1,2],[[\"0\",\"a\"],[\""
     "1\",\"b\"]],[7,8]]"},
    {"var o = Object.create({inherited: 1}); o.own = 2; Object.defineProperty(o, 'hidden', {v"
     "alue: 3, enumerable: false}); S([Object.entries(o), Object.values(o)])",
     "[[[\"own\",2]],[2]]"},
    {"T(function(){ return Object.entries(null) })",
     "E:TypeError"},
    {"S([Object.fromEntries([['a', 1], ['b', 2]]), Object.fromEntries(new Map([['x', 'y']])),"
     " Object.fromEntries([[1, 'one']])])",
     "[{a:1,b:2},{x:\"y\"},{1:\"one\"}]"},
    {"T(function(){ return Object.fromEntries([1]) })",
     "E:TypeError"},
    {"T(function(){ return Object.fromEntries() })",
     "E:TypeError"},
    {"var s = Symbol('s'); var o = {a: 1}; o[s] = 2; Object.defineProperty(o, 'g', {get: func"
     "tion(){ return 1 }, enumerable: false}); var d = Object.getOwnPropertyDescriptors(o); S"
     "([Object.keys(d), d.a.value, d.a.writable, d.a.enumerable, typeof d.g.get, d.g.enumerab"
     "le, d[s].value])",
     "[[\"a\",\"g\"],1,true,true,\"function\",false,2]"},
    {"S([Object.hasOwn({a: 1}, 'a'), Object.hasOwn({a: 1}, 'toString'), Object.hasOwn([1], 0)"
     ", Object.hasOwn('ab', 'length'), Object.hasOwn.length])",
     "[true,false,true,true,2]"},
    {"T(function(){ return Object.hasOwn(null, 'a') })",
     "E:TypeError"},
    {"S([Object.entries.length, Object.fromEntries.length, Object.keys(Object).length])",
     "[1,1,0]"},
    {"S(['abc'.padStart(6, '12'), 'abc'.padEnd(6, '12'), 'abc'.padStart(2), 'abc'.padStart(5)"
     ", 'abc'.padEnd(6, ''), 'x'.padStart(3, undefined), 'abc'.padStart(NaN, 'z'), 'a'.padEnd"
     "(4, 'xyz')])",
     "[\"121abc\",\"abc121\",\"abc\",\"  abc\",\"abc\",\"  x\",\"abc\",\"axyz\"]"},
    {"S([' \\t\\u00a0x y\\n\\u2028 '.trimStart(), ' \\u3000x y\\ufeff '.trimEnd(), String.pro"
     "totype.trimStart.name, String.prototype.trimEnd.length])",
     "[\"x y\\n\\u2028 \",\" \\u3000x y\",\"trimStart\",0]"},
    {"S(['abc'.at(-1), 'abc'.at(0), 'abc'.at(5), 'abc'.at(-4), 'abc'.at(1.9), ''.at(0)])",
     "[\"c\",\"a\",undefined,undefined,\"b\",undefined]"},
    {"S(['a.b.c'.replaceAll('.', '-'), 'aaa'.replaceAll('a', 'b'), 'abc'.replaceAll('', '-'),"
     " 'xx'.replaceAll('x', '$&$&'), 'a-b'.replaceAll('-', '$$'), 'abcb'.replaceAll('b', \"[$"
     "`|$']\"), 'ab'.replaceAll('b', '$1')])",
     "[\"a-b-c\",\"bbb\",\"-a-b-c-\",\"xxxx\",\"a$b\",\"a[a|cb]c[abc|]\",\"a$1\"]"},
    {"S(['a1b1'.replaceAll('1', function(m, pos, str){ return '<' + m + pos + str.length + '>"
     "' }), 'aaaa'.replaceAll('aa', 'b'), 'a+b+c'.replaceAll(/\\+/g, ' '), 'abab'.replaceAll("
     "/(a)/g, '[$1]')])",
     "[\"a<114>b<134>\",\"bb\",\"a b c\",\"[a]b[a]b\"]"},
    {"T(function(){ return 'abc'.replaceAll(/b/, 'x') })",
     "E:TypeError"},
    {"S(['x'.replaceAll('x', function(){ return 5 }), 'null'.replaceAll(null, 'N'), 'undefine"
     "d'.replaceAll(undefined, 'U')])",
     "[\"5\",\"N\",\"U\"]"},
    {"var r = []; var it = 'a1b22c333'.matchAll(/\\d+/g); var x; while (!(x = it.next()).done"
     ") r.push(x.value[0] + '@' + x.value.index); S([r, Object.prototype.toString.call(it)])",
     "[[\"1@1\",\"22@3\",\"333@6\"],\"[object RegExp String Iterator]\"]"},
    {"var r = Array.from('test1test2'.matchAll(/t(e)(st(\\d?))/g)); S(r.map(function(m){ retu"
     "rn m.join('|') + ':' + m.index }))",
     "[\"test1|e|st1|1:0\",\"test2|e|st2|2:5\"]"},
    {"T(function(){ return 'abc'.matchAll(/b/) })",
     "E:TypeError"},
    {"S(Array.from('a.b.c'.matchAll('.')).map(function(m){ return m[0] }))",
     "[\"a\",\".\",\"b\",\".\",\"c\"]"},
    {"S(Array.from('aaa'.matchAll(/a*?/g)).map(function(m){ return m.index }))",
     "[0,1,2,3]"},
    {"var rx = /a/g; rx.lastIndex = 2; var r = Array.from('aaaa'.matchAll(rx)).map(function(m"
     "){ return m.index }); S([r, rx.lastIndex])",
     "[[2,3],2]"},
    {"S([String.raw({raw: ['a', 'b', 'c']}, 1, 2, 3), String.raw({raw: 'xyz'}, '-', '+'), Str"
     "ing.raw({raw: []}), String.raw.length])",
     "[\"a1b2c\",\"x-y+z\",\"\",1]"},
    {"S(['\\uD83D\\uDE00'.codePointAt(0), 'abc'.codePointAt(3), String.fromCodePoint(0x1F600)"
     ".length, 'ab'.repeat(2), 'abc'.includes('bc'), 'abc'.startsWith('b', 1), 'abc'.endsWith"
     "('a', 1)])",
     "[128512,undefined,2,\"abab\",true,true,true]"},
    {"T(function(){ return 'a'.repeat(-1) })",
     "E:RangeError"},
    {"T(function(){ return 'a'.includes(/a/) })",
     "E:TypeError"},
    {"T(function(){ return String.fromCodePoint(0x110000) })",
     "E:RangeError"},
    {"S([Number.EPSILON === Math.pow(2, -52), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGE"
     "R, Number.isInteger(5), Number.isInteger(5.5), Number.isInteger('5'), Number.isSafeInte"
     "ger(Math.pow(2, 53)), Number.isSafeInteger(Math.pow(2, 53) - 1), Number.isFinite('1'), "
     "Number.isNaN('NaN'), Number.isNaN(NaN), Number.parseFloat === parseFloat, Number.parseI"
     "nt === parseInt])",
     "[true,9007199254740991,-9007199254740991,true,false,false,false,true,false,false,true,t"
     "rue,true]"},
    {"S([Math.trunc(-4.7), Math.trunc(-0.2), Math.sign(-3), Math.sign(-0), Math.cbrt(-27), Ma"
     "th.cbrt(8), Math.log2(1024), Math.log10(0.001), Math.hypot(3, 4, 12), Math.hypot(), Mat"
     "h.hypot(-3), Math.clz32(0), Math.clz32(-1), Math.clz32(0.5)])",
     "[-4,-0,-1,-0,-3,2,10,-3,13,0,3,32,0,32]"},
    {"S([Math.imul(2, 4), Math.imul(-1, 8), Math.imul(0xffffffff, 5), Math.fround(5.5), Math."
     "fround(5.05), Math.fround(2147483647), Math.log1p(0), Math.log1p(-1), Math.expm1(0), Ma"
     "th.expm1(-0)])",
     "[8,-8,-5,5.5,5.050000190734863,2147483648,0,-Infinity,0,-0]"},
    {"S([Math.sinh(0), Math.cosh(0), Math.tanh(Infinity), Math.asinh(-0), Math.acosh(1), Math"
     ".acosh(0.5), Math.atanh(1), Math.atanh(-0), Math.round(Math.sinh(1) * 1e10), Math.round"
     "(Math.tanh(0.5) * 1e10)])",
     "[0,1,1,-0,0,NaN,Infinity,-0,11752011936,4621171573]"},
    {"S([Math.hypot.length, Math.cbrt.name, Math.fround.length, Object.keys(Math).length])",
     "[2,\"cbrt\",1,0]"},
    {"S([typeof globalThis, globalThis === this, globalThis.Math === Math])",
     "[\"object\",true,true]"},
    {"var o = {a: 1, b: [1, 2, {c: 3}], d: new Date(0), r: /x/gi, s: 'str', n: null, u: undef"
     "ined}; var c = structuredClone(o); S([c !== o, c.b !== o.b, c.b[2].c, c.d instanceof Da"
     "te, c.d.getTime(), c.r instanceof RegExp, c.r.source, c.r.flags, c.s, c.n, 'u' in c, c."
     "u])",
     "[true,true,3,true,0,true,\"x\",\"gi\",\"str\",null,true,undefined]"},
    {"var o = {x: 1}; o.self = o; var arr = [o, o]; var c = structuredClone(arr); S([c[0] ==="
     " c[1], c[0].self === c[0], c[0] !== o])",
     "[true,true,true]"},
    {"var m = new Map([[1, {a: 1}], ['k', 'v']]); var s = new Set([1, 'two', m]); var c = str"
     "ucturedClone(s); var cm = Array.from(c)[2]; S([c instanceof Set, c.size, cm instanceof "
     "Map, cm !== m, cm.get(1).a, cm.get('k')])",
     "[true,3,true,true,1,\"v\"]"},
    {"var buf = new Uint8Array([1, 2, 3]); var c = structuredClone(buf); c[0] = 9; S([c insta"
     "nceof Uint8Array, Array.from(c), buf[0], c.buffer !== buf.buffer])",
     "[true,[9,2,3],1,true]"},
    {"var ab = new ArrayBuffer(4); var v1 = new Uint8Array(ab, 1, 2); var v2 = new Uint16Arra"
     "y(ab, 0, 2); v1[0] = 7; var c = structuredClone({v1: v1, v2: v2}); S([c.v1.buffer === c"
     ".v2.buffer, c.v1.byteOffset, c.v1.length, c.v1[0], c.v2.length, c.v1.buffer.byteLength]"
     ")",
     "[true,1,2,7,2,4]"},
    {"var dv = new DataView(new ArrayBuffer(8), 2, 4); dv.setUint8(0, 42); var c = structured"
     "Clone(dv); S([c instanceof DataView, c.byteOffset, c.byteLength, c.getUint8(0), structu"
     "redClone(new ArrayBuffer(3)).byteLength])",
     "[true,2,4,42,3]"},
    {"var e = new TypeError('bad'); var c = structuredClone(e); S([c instanceof TypeError, c."
     "name, c.message, c !== e, structuredClone(new RangeError('r')).name, structuredClone(ne"
     "w Error('x')).message])",
     "[true,\"TypeError\",\"bad\",true,\"RangeError\",\"x\"]"},
    {"var r = T(function(){ return structuredClone(function(){}) }); var e; try { structuredC"
     "lone({f: function(){}}) } catch (x) { e = x } S([r, e.name, e instanceof Error])",
     "[\"E:DataCloneError\",\"DataCloneError\",true]"},
    {"T(function(){ return structuredClone(Symbol('x')) })",
     "E:DataCloneError"},
    {"var c = structuredClone([new Boolean(false), new Number(3), new String('s'), -0, NaN, 1"
     "e300]); S([typeof c[0], c[0].valueOf(), typeof c[1], c[1] + 1, typeof c[2], String(c[2]"
     "), 1/c[3], c[4], c[5]])",
     "[\"object\",false,\"object\",4,\"object\",\"s\",-Infinity,NaN,1e+300]"},
    {"var a = [1, , 3]; a.extra = 'e'; var c = structuredClone(a); S([c.length, 1 in c, c.ext"
     "ra, Array.isArray(c)])",
     "[3,false,\"e\",true]"},
    {"var P = function(){ this.x = 1 }; P.prototype.m = function(){}; var c = structuredClone"
     "(new P()); var g = {}; Object.defineProperty(g, 'hid', {value: 1, enumerable: false}); "
     "S([Object.getPrototypeOf(c) === Object.prototype, c.x, typeof c.m, Object.keys(structur"
     "edClone(g)).length])",
     "[true,1,\"undefined\",0]"},
    {"S([structuredClone(5), structuredClone('s'), structuredClone(null), structuredClone(und"
     "efined), structuredClone(true)])",
     "[5,\"s\",null,undefined,true]"},
    {"var calls = 0; var o = {}; Object.defineProperty(o, 'g', {get: function(){ calls++; ret"
     "urn 'got' }, enumerable: true}); var c = structuredClone(o); S([c.g, calls, Object.getO"
     "wnPropertyDescriptor(c, 'g').value])",
     "[\"got\",1,\"got\"]"},
    {"T(function(){ return structuredClone() })",
     "E:TypeError"},
};

static duk_ret_t install_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__es_builtins_install(ctx);
  edgefn__es_collections_install(ctx);
  edgefn__structured_clone_install(ctx);
  return 0;
}

static duk_context *open_heap(void) {
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx)
    return NULL;
  if (duk_safe_call(ctx, install_unsafe, NULL, 0, 1) != DUK_EXEC_SUCCESS ||
      duk_peval_string_noresult(ctx, prelude) != 0) {
    fprintf(stderr, "install: %s\n", duk_safe_to_string(ctx, -1));
    duk_destroy_heap(ctx);
    return NULL;
  }
  duk_pop(ctx);
  return ctx;
}

/* Runs src in a fresh heap and compares its completion value with expected. */
static int check(const char *src, const char *expected) {
  duk_context *ctx = open_heap();
  if (!ctx)
    return 1;
  duk_idx_t top = duk_get_top(ctx);
  int rc;
  if (duk_peval_string(ctx, src) != 0) {
    fprintf(stderr, "snippet: %s\n  threw: %s\n", src, duk_safe_to_string(ctx, -1));
    rc = 1;
  } else {
    const char *got = duk_safe_to_string(ctx, -1);
    rc = strcmp(got, expected) != 0;
    if (rc)
      fprintf(stderr, "snippet: %s\n  expected: %s\n  got:      %s\n", src, expected, got);
  }
  duk_pop(ctx);
  if (duk_get_top(ctx) != top) {
    fprintf(stderr, "snippet: %s\n  value stack %d -> %d\n", src, (int)top,
            (int)duk_get_top(ctx));
    rc = 1;
  }
  duk_destroy_heap(ctx);
  return rc;
}

TEST(es_matches_node) {
  int failed = 0;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    failed += check(cases[i].src, cases[i].expected);
  if (failed)
    fprintf(stderr, "%d of %d cases differ from Node\n", failed,
            (int)(sizeof(cases) / sizeof(cases[0])));
  ASSERT_EQ(failed, 0);
  return 0;
}

/* Uint8Array.prototype.setFromBase64 where V8 (Node 25) departs from the specification
 * (ECMA-262 FromBase64, as engine262 implements it); the rest of the methods are compared
 * with Node in tests/compiler/corpus/uint8-base64-hex.js.
 * - `read` is the position after the last whole chunk, or the string's length when the
 *   whole input was used: V8 counts whitespace before a partial chunk left unread, and
 *   leaves trailing whitespace out.
 * - Decoding stops once the array is full, so a bad character after that point is never
 *   looked at: V8 throws a SyntaxError for it. */
TEST(es_uint8_base64_follows_spec) {
  static const struct {
    const char *src, *expected;
  } spec[] = {
      {"var t = new Uint8Array(6); S([t.setFromBase64('AQID AQ', {lastChunkHandling: "
       "'stop-before-partial'}), Array.from(t)])",
       "[{read:4,written:3},[1,2,3,0,0,0]]"},
      {"var t = new Uint8Array(6); S([t.setFromBase64(' AQID  ', {lastChunkHandling: "
       "'strict'}), Array.from(t)])",
       "[{read:7,written:3},[1,2,3,0,0,0]]"},
      {"var t = new Uint8Array(3); S([t.setFromBase64('AQID\u00e9'), Array.from(t)])",
       "[{read:4,written:3},[1,2,3]]"},
      {"var t = new Uint8Array(4); T(function(){ return t.setFromBase64('AQID\u00e9'); }) + "
       "S(Array.from(t))",
       "E:SyntaxError[1,2,3,0]"},
  };
  int failed = 0;
  for (size_t i = 0; i < sizeof(spec) / sizeof(spec[0]); i++)
    failed += check(spec[i].src, spec[i].expected);
  ASSERT_EQ(failed, 0);
  return 0;
}

static duk_ret_t globals_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__globals_install(ctx);
  return 0;
}

/* Through the runtime's table: prototype additions are there at once, the new globals
 * install on first use, and installing is repeatable state-wise. */
TEST(es_lazy_globals) {
  duk_context *ctx = edgefn__heap_new(NULL);
  ASSERT(ctx);
  ASSERT_EQ(duk_safe_call(ctx, globals_unsafe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(duk_peval_string(ctx, "var d = Object.getOwnPropertyDescriptor(globalThis, 'Map');"
                                  "[typeof d.get, [1, 2].at(-1), 'ab'.padStart(3),"
                                  " typeof structuredClone, new Map([[1, 2]]).get(1),"
                                  " typeof Object.getOwnPropertyDescriptor(globalThis, 'Map').get,"
                                  " new Set([1, 1]).size, typeof WeakMap, typeof WeakSet,"
                                  " structuredClone(new Map([[1, new Set([2])]])).get(1).has(2)"
                                  "].join()"),
            0);
  ASSERT_STREQ(duk_safe_to_string(ctx, -1), "function,2, ab,function,2,undefined,1,function,"
                                            "function,true");
  duk_pop(ctx);
  ASSERT_EQ(duk_get_top(ctx), 0);
  duk_destroy_heap(ctx);
  return 0;
}

/* structuredClone before any script touched Map still makes real Maps. */
TEST(es_structured_clone_before_map) {
  duk_context *ctx = edgefn__heap_new(NULL);
  ASSERT(ctx);
  ASSERT_EQ(duk_safe_call(ctx, globals_unsafe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  duk_pop(ctx);
  ASSERT_EQ(duk_peval_string(ctx, "var c = structuredClone({m: new Set([1])}); typeof c"), 0);
  duk_pop(ctx);
  ASSERT_EQ(duk_peval_string(ctx, "(c.m instanceof Set) + ' ' + c.m.has(1)"), 0);
  ASSERT_STREQ(duk_safe_to_string(ctx, -1), "true true");
  duk_pop(ctx);
  duk_destroy_heap(ctx);
  return 0;
}

/* A WeakMap entry dies with its key: the value's finalizer runs once the key is
 * unreachable, while a Map keeps its values alive. */
TEST(es_weak_map_entries_die_with_key) {
  duk_context *ctx = open_heap();
  ASSERT(ctx);
  ASSERT_EQ(duk_peval_string_noresult(
                ctx, "var freed = []; var wm = new WeakMap(); var ws = new WeakSet();"
                     "var m = new Map();"
                     "function tracked(tag){ var v = {}; Duktape.fin(v, function(){"
                     "  freed.push(tag) }); return v }"
                     "(function(){ var k = {}; wm.set(k, tracked('weak')); ws.add(k);"
                     "  var k2 = {}; m.set(k2, tracked('strong')); })();"),
            0);
  duk_gc(ctx, 0);
  duk_gc(ctx, 0);
  ASSERT_EQ(duk_peval_string(ctx, "freed.join()"), 0);
  ASSERT_STREQ(duk_safe_to_string(ctx, -1), "weak");
  duk_pop(ctx);
  ASSERT_EQ(duk_peval_string(ctx, "m.clear(); freed.length"), 0);
  duk_pop(ctx);
  duk_gc(ctx, 0);
  duk_gc(ctx, 0);
  ASSERT_EQ(duk_peval_string(ctx, "freed.join()"), 0);
  ASSERT_STREQ(duk_safe_to_string(ctx, -1), "weak,strong");
  duk_pop(ctx);
  duk_destroy_heap(ctx);
  return 0;
}

/* Large maps: growth, deletion and rebuilding keep order and lookups right. */
TEST(es_map_stress) {
  duk_context *ctx = open_heap();
  ASSERT(ctx);
  ASSERT_EQ(duk_peval_string(
                ctx, "var m = new Map(), ok = true;"
                     "for (var i = 0; i < 20000; i++) m.set(i % 3 ? 'k' + i : i, i);"
                     "for (var j = 0; j < 20000; j += 2) m.delete(j % 3 ? 'k' + j : j);"
                     "for (var n = 0; n < 20000; n++) {"
                     "  var has = m.has(n % 3 ? 'k' + n : n);"
                     "  if (has !== (n % 2 === 1)) ok = false; }"
                     "var prev = -1; m.forEach(function(v){ if (v <= prev) ok = false; prev = v });"
                     "ok + ' ' + m.size"),
            0);
  ASSERT_STREQ(duk_safe_to_string(ctx, -1), "true 10000");
  duk_pop(ctx);
  duk_destroy_heap(ctx);
  return 0;
}
