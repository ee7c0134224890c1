function tryIt(f) {
  try { f(); } catch ({ name, message = 'no message', code = 'E_NONE' }) {
    return `${name}/${message}/${code}`;
  }
}
console.log(tryIt(() => { throw new TypeError('bad'); }));
console.log(tryIt(() => { throw { name: 'Custom', code: 'E42' }; }));
console.log(tryIt(() => { const e = new Error(); e.code = 'E1'; throw e; }));
