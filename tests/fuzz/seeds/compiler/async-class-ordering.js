class Q { constructor() { this.log = []; } async step(n) { this.log.push('s' + n); await null; this.log.push('e' + n); } }
const q = new Q();
Promise.all([q.step(1), q.step(2)]).then(() => console.log(q.log.join()));
