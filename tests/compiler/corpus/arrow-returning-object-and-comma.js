const mk = (a, b) => ({ a, b, sum: a + b });
const seq = x => (x++, x * 2);
const nested = () => () => ({ deep: [() => 'yes'] });
console.log(JSON.stringify(mk(1, 2)), seq(4), nested()().deep[0]());
