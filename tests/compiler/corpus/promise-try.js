// node >= 24
// Promise.try (ES2025): runs fn now, follows thenables, rejects with what it throws.
var log = [];
function show(tag) { return function (v) { console.log(tag, typeof v === 'object' && v !== null && v instanceof Error ? v.name + ': ' + v.message : v); }; }
console.log(typeof Promise.try, Promise.try.length, Promise.try.name);
var p1 = Promise.try(function (a, b) { log.push('sync'); return a + b; }, 2, 3);
log.push('after');
console.log(log.join(','), p1 instanceof Promise);
p1.then(show('p1'));
Promise.try(function () { throw new RangeError('boom'); }).catch(show('p2'));
Promise.try(function () { return Promise.resolve('inner'); }).then(show('p3'));
Promise.try(function () { return { then: function (r) { r('thenable'); } }; }).then(show('p4'));
Promise.try().catch(function (e) { console.log('p5', e instanceof TypeError); });
Promise.try(42).catch(function (e) { console.log('p6', e instanceof TypeError); });
Promise.try(function () { return 'this:' + (this === undefined); }).then(show('p7'));
try { Promise.try.call(1, function () {}); } catch (e) { console.log('p8', e instanceof TypeError); }
Promise.try(async function () { await null; return 'async'; }).then(show('p9'));
console.log(Object.getOwnPropertyDescriptor(Promise, 'try').enumerable, Object.getOwnPropertyDescriptor(Promise.try, 'length').configurable);
