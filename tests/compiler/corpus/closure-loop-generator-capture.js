function* counters() {
  for (let i = 0; i < 3; i++) yield () => i;
}
const fs = [...counters()];
console.log(fs.map(f => f()));
const it = counters();
const a = it.next().value, b = it.next().value;
console.log(a(), b());
