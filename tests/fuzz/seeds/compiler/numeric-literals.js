console.log(1_000_000, 0xff, 0b1010, 0o17, 0B11, 0O7, 1e3, .5, 5., 0.1_5);
console.log(0xFF_FF, 1_0.0_1);
