const m = /(?<year>\d{4})-(?<month>\d{2})/.exec('on 2024-05-06');
console.log(m.groups.year, m.groups.month, m.index);
console.log('a.b\nc'.match(/b.c/s)?.[0] === 'b\nc', /(?<=\$)\d+/.exec('cost $42')[0]);
const sticky = /foo/y;
sticky.lastIndex = 3;
console.log(sticky.test('barfoo'), sticky.lastIndex, [...'a1b2c3'.matchAll(/\d/g)].map(x => x[0]).join(''));
