{ const t = typeof notDeclaredAnywhere; console.log(t); }
