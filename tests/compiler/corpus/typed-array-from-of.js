// %TypedArray%.from and .of (Duktape 2.7 has neither; jose builds an RSA public exponent with Uint8Array.of).
const out = [];
const t = (n, f) => { try { out.push(n + ': ' + f()); } catch (e) { out.push(n + ' THROWS ' + e.constructor.name); } };
t('of', () => Array.prototype.join.call(Uint8Array.of(1, 0, 1, 300)));
t('of type', () => Float64Array.of(1.5, -2).constructor.name + ' ' + Float64Array.of().length);
t('from array', () => Int16Array.from([1, 2, 70000]).join());
t('from set', () => Uint8Array.from(new Set([3, 4])).join());
t('from string', () => Uint8Array.from('123').join());
t('from map fn', () => Uint16Array.from([1, 2], function (v, k) { return v * this.m + k; }, { m: 10 }).join());
t('from array-like', () => Float32Array.from({ length: 3, 0: 1.5, 2: 3 }).join());
t('from typed', () => Uint8Array.from(new Uint16Array([258, 2])).join());
t('from generator', () => Int8Array.from((function* () { yield 1; yield -1; })()).join());
t('from null', () => Uint8Array.from(null));
t('from bad mapfn', () => Uint8Array.from([1], 5));
t('of on non-ctor', () => Uint8Array.of.call({}, 1));
t('of on Array', () => Uint8Array.of.call(Array, 1));
t('same fn', () => Uint8Array.from === Int32Array.from && Uint8Array.hasOwnProperty('from'));
t('names', () => Uint8Array.from.name + ' ' + Uint8Array.of.name + ' ' + Uint8Array.from.length + ' ' + Uint8Array.of.length);
console.log(out.join('\n'));
