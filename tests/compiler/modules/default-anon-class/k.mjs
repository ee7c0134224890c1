export default class {
  constructor(v) { this.v = v; }
  twice() { return this.v * 2; }
}
