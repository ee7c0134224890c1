const log = [];
const src = {
  get one() { log.push('get one'); return undefined; },
  get two() { log.push('get two'); return 2; },
  get three() { log.push('get three'); return undefined; },
};
const { one = (log.push('def one'), 1), two = (log.push('def two'), 0), three = (log.push('def three'), 3) } = src;
console.log(one, two, three);
console.log(log.join(', '));
