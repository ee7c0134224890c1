const classes = [];
for (let i = 0; i < 3; i++) { classes.push(class { get v() { return i; } }); }
console.log(classes.map(C => new C().v).join());
