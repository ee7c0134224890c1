const v = x => Promise.resolve(x);
(async () => {
  const arr = [await v(1), await v(2)];
  const obj = { a: await v('a'), [await v('k')]: 'computed' };
  const t = `${await v('t')}-${await v('u')}`;
  const cond = (await v(true)) ? await v('yes') : 'no';
  const sum = (await v(1)) + (await v(2)) * (await v(3));
  console.log(arr, obj, t, cond, sum);
  const fnRes = ((a, b) => a + b)(await v(10), await v(20));
  console.log(fnRes, await (async () => 'nested')());
})();
