const counts = [0, 0, null];
counts[0] ||= 10;
counts[1] &&= 20;
counts[2] ??= 30;
console.log(counts);
