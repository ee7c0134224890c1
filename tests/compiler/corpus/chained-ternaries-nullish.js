const grade = s => s >= 90 ? 'A' : s >= 80 ? 'B' : s ?? 'none';
console.log(grade(95), grade(85), grade(null), grade(10));
