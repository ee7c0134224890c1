const log = [];
const key = name => (log.push('key ' + name), name);
const src = { get a() { log.push('get a'); return 1; }, get b() { log.push('get b'); return undefined; } };
const { [key('a')]: x, [key('b')]: y = (log.push('default y'), 'Y') } = src;
console.log(x, y, log.join(' > '));
