const val = async x => { await null; return x; };
(async () => {
  let total = 0;
  for (let i = 0; i < (await val(3)); i++) total += await val(i);
  let w = 0;
  while ((await val(w)) < 2) w++;
  const pick = (await val(true)) ? await val('yes') : await val('no');
  console.log(total, w, pick, [await val(1), await val(2)].join('+'));
})();
