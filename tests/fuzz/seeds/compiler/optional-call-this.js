const o = { v: 42, get() { return this.v; }, inner: { v: 7, get() { return this.v; } } };
console.log(o.get?.(), o.inner?.get(), o.inner.get?.(), o?.inner?.get?.());
const k = 'get';
console.log(o[k]?.(), o?.[k]());
const n = null;
console.log(n?.get(), n?.a.b.c(), n?.[k]?.());
const arr = [() => 'zero'];
console.log(arr[0]?.(), arr[1]?.());
