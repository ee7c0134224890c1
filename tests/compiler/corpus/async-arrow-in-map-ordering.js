const delays = [3, 1, 2];
const log = [];
Promise.all(delays.map(async (d, i) => {
  await new Promise(r => setTimeout(r, d));
  log.push(i);
  return d * 10;
})).then(vals => console.log(vals, log));
