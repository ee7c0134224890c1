class DefaultMap extends Map {
  constructor(factory, entries) { super(entries); this.factory = factory; }
  get(k) { if (!this.has(k)) this.set(k, this.factory(k)); return super.get(k); }
}
const dm = new DefaultMap(k => k.length, [['a', 100]]);
console.log(dm.get('a'), dm.get('hello'), dm.size, [...dm.keys()], dm instanceof Map);
class TagSet extends Set { add(v) { return super.add(String(v).toLowerCase()); } }
const ts = new TagSet(['A', 'b', 'a']);
console.log([...ts], ts.has('a'));
