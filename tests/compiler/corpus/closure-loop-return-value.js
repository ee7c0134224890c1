function firstMatch(list, pred) {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const check = () => pred(item, i);
    if (check()) return { item, at: () => i };
  }
  return null;
}
const m = firstMatch([3, 8, 12, 5], x => x > 7);
console.log(m.item, m.at(), firstMatch([], () => true));
