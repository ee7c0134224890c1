class Timer {
  constructor() { this.ticks = 0; }
  start(n) { return new Promise(res => { const tick = () => { this.ticks++; if (this.ticks < n) setTimeout(tick, 0); else res(this.ticks); }; tick(); }); }
}
new Timer().start(3).then(v => console.log('ticks', v));
const obj = { vals: [1, 2], sum() { return this.vals.reduce((a, v) => a + v * this.vals.length, 0); } };
console.log(obj.sum());
