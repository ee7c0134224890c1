class A { m() {} static s() {} get g() { return 1; } }
console.log(Object.keys(A.prototype), Object.keys(A), Object.getOwnPropertyNames(A.prototype).sort().join());
const d = Object.getOwnPropertyDescriptor(A.prototype, 'm');
console.log(d.enumerable, d.writable, d.configurable);
const pd = Object.getOwnPropertyDescriptor(A, 'prototype');
console.log(pd.writable);
