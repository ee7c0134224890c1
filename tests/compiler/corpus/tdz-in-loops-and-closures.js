const results = [];
for (let i = 0; i < 3; i++) {
  const read = () => value;
  try { results.push(read()); } catch (e) { results.push('tdz'); }
  const value = i * 2;
  results.push(read());
}
console.log(results.join(','));
