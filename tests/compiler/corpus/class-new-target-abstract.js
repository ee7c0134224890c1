class Shape {
  constructor() { if (new.target === Shape) throw new TypeError('abstract'); this.kind = new.target.name; }
}
class Square extends Shape {}
try { new Shape(); } catch (e) { console.log(e.message); }
console.log(new Square().kind);
function Legacy() { return new.target === undefined ? 'called' : 'constructed'; }
console.log(Legacy(), typeof new Legacy());
