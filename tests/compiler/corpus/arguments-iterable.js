// An arguments object is iterable (its own @@iterator), and nothing else is made iterable by it:
// `Symbol.iterator in {}` is false (the yaml package tests iterables that way).
const out = [];
const t = (n, f) => { try { out.push(n + ': ' + JSON.stringify(f())); } catch (e) { out.push(n + ' THROWS ' + e.name + ' ' + e.message); } };
t('in {}', () => Symbol.iterator in {});
t('in Object(1)', () => Symbol.iterator in Object(1));
t('in []', () => Symbol.iterator in []);
t('spread args', () => (function () { return [...arguments]; })(1, 2, 3));
t('for-of args', () => (function () { const r = []; for (const a of arguments) r.push(a * 2); return r; })(1, 2));
t('arrow args', () => (function () { return (() => [...arguments])(); })(7, 8));
t('args own', () => (function () { return [Object.getOwnPropertySymbols(arguments).length, arguments[Symbol.iterator] === Array.prototype.values, Object.keys(arguments)]; })(1));
t('strict args', () => (function () { 'use strict'; return Array.from(arguments).concat([...arguments]); })('a'));
t('async args', () => { let r; (async function () { r = [...arguments]; })(4, 5); return r; });
t('gen args', () => [...(function* () { yield* arguments; })(1, 2)]);
t('method args', () => ({ m() { return [...arguments].length; } }).m(1, 2, 3));
t('class args', () => new (class { constructor() { this.a = [...arguments]; } })(9).a);
t('map from args', () => (function () { return [...new Map(arguments)]; })([1, 2], [3, 4]));
t('assign iter', () => { const o = {}; o[Symbol.iterator] = function* () { yield 1; }; return [...o]; });
t('obj not iterable', () => { try { [...{}]; } catch (e) { return e.name; } });
t('iterator check', () => { const isIt = (o) => o != null && typeof o[Symbol.iterator] === 'function'; return [isIt({}), isIt([]), isIt('s'), isIt(new Map())]; });
t('param default', () => (function (a = 1, ...rest) { return [a, rest, [...arguments]]; })(undefined, 2, 3));
console.log(out.join('\n'));
