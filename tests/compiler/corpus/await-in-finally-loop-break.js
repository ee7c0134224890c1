async function run() {
  const log = [];
  for (const x of [1, 2, 3]) {
    try {
      if (x === 2) break;
      log.push('body ' + x);
    } finally {
      await null;
      log.push('finally ' + x);
    }
  }
  return log;
}
run().then(l => console.log(l.join('; ')));
