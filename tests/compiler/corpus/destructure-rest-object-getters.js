const log = [];
const src = {
  get a() { log.push('a'); return 1; },
  get b() { log.push('b'); return 2; },
  get c() { log.push('c'); return 3; },
};
const { b, ...rest } = src;
console.log(b, rest, log.join(''));
