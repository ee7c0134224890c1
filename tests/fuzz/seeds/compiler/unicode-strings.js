console.log('héllo wörld', '日本語'.length, '€'.length, [...'€a'].length);
const s = `emoji ${'€'} ü`;
console.log(s, s.length);
console.log('\x41\u0042\u{43}\103', '\0'.length);
const key = 'ключ';
const o = { [key]: 'значение', 'ü': 1 };
console.log(o[key], o.ü);
