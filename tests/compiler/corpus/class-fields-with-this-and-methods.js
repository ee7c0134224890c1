class Widget {
  id = Widget.nextId++;
  label = `widget-${this.id}`;
  handlers = [];
  onClick = () => this.handlers.map(h => h(this.label));
  static nextId = 1;
}
const w1 = new Widget(), w2 = new Widget();
w2.handlers.push(l => l.toUpperCase());
console.log(w1.label, w2.label, w2.onClick(), Widget.nextId);
