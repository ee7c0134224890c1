console.log(1_000_000, 0xFF_FF, 0b1010_0101, 0o7_7, 1_0.5_0, 1e1_0);
console.log(0B11, 0O17, 0XaB, .5e1, 5., Number('1_000'));
