const wait = (v, ms, fail) => new Promise((res, rej) => setTimeout(() => (fail ? rej(new Error(v)) : res(v)), ms));
(async () => {
  console.log(await Promise.race([wait('a', 60), wait('b', 1)]));
  console.log(await Promise.any([wait('x', 1, true), wait('y', 3)]));
  try { await Promise.any([wait('p', 1, true)]); } catch (e) { console.log(e.constructor.name, e.errors.map(x => x.message)); }
})();
