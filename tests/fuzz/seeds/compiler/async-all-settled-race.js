const wait = (ms, v, fail) => new Promise((res, rej) => setTimeout(() => fail ? rej(new Error(v)) : res(v), ms));
(async () => {
  const r = await Promise.allSettled([wait(2, 'a'), wait(1, 'b', true)]);
  console.log(r.map(x => x.status + ':' + (x.value ?? x.reason.message)).join());
  console.log(await Promise.race([wait(5, 'slow'), wait(1, 'fast')]));
  console.log(await Promise.any([wait(1, 'x', true), wait(2, 'y')]));
})();
