class P { #secret = 1; constructor() { this.visible = 2; } get computed() { return this.visible * 10; } toJSON() { return { v: this.visible, c: this.computed }; } }
const p = new P();
console.log(Object.keys(p), JSON.stringify(p), 'computed' in p, p.hasOwnProperty('computed'));
for (const k in p) console.log('key', k);
