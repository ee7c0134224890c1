class Config {
  static get defaults() { return { retries: 3, name: this.name }; }
  static create() { return Object.assign({}, this.defaults); }
}
class Fast extends Config { static get defaults() { return { ...super.defaults, retries: 0 }; } }
console.log(JSON.stringify(Config.create()), JSON.stringify(Fast.create()));
