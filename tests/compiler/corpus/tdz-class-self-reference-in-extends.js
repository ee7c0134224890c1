try { class A extends A {} } catch (e) { console.log(e.constructor.name, e.message); }
const B = class Named { static self() { return Named === B; } };
console.log(B.self());
function mk() { return new C(); }
try { mk(); } catch (e) { console.log(e.message); }
class C { }
console.log(mk() instanceof C);
