const delays = [3, 1, 2];
const log = [];
Promise.all(delays.map(async (d, i) => {
  for (let k = 0; k < d; k++) await null;
  log.push(i);
  return d * 10;
})).then(vals => console.log(vals, log));
