const a = 1;
try { a = 2; } catch (e) { console.log(e instanceof TypeError, e.message); }
console.log(a);
const b = {p: 1};
b.p = 2;
console.log(b.p);
try { for (const i = 0; i < 2; i++) {} } catch (e) { console.log('loop', e.constructor.name); }
let c = 1; c += 2; console.log(c);
const d = 5;
try { d++; } catch (e) { console.log('inc', e.name); }
