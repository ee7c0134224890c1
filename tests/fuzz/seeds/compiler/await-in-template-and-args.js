const v = (x) => Promise.resolve(x);
(async () => { console.log(`${await v('a')}-${await v('b')}`, Math.max(await v(1), await v(5))); })();
