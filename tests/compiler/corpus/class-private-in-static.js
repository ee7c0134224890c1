class Brand {
  #b;
  static is(o) { try { return #b in o; } catch { return false; } }
}
console.log(Brand.is(new Brand()), Brand.is({}), Brand.is(Object.create(null)));
