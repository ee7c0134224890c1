class P { a = 1; b = this.a + 1; constructor(c) { this.c = this.b + c; } }
console.log(new P(10));
