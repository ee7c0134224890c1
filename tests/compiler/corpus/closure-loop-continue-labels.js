const log = [];
rows: for (let i = 0; i < 3; i++) {
  for (let j = 0; j < 3; j++) {
    if (j === i) continue rows;
    log.push(() => i * 10 + j);
  }
}
console.log(log.map(f => f()));
