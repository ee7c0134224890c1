class Tracked extends Promise {
  static created = 0;
  constructor(exec) { super(exec); Tracked.created++; }
}
(async () => {
  const t = new Tracked(r => setTimeout(() => r('done'), 1));
  console.log(t instanceof Promise, t instanceof Tracked);
  console.log(await t, Tracked.created >= 1);
})();
