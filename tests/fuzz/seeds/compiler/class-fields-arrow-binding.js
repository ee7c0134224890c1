class Btn {
  label = 'btn';
  onClick = () => this.label;
  method() { return this?.label; }
}
const b = new Btn();
const { onClick, method } = b;
console.log(onClick(), (() => { try { return method(); } catch (e) { return 'unbound'; } })());
