(async () => {
  console.log(await 1, await 'str', await null, await undefined, await { a: 1 }, await [1, 2]);
})();
