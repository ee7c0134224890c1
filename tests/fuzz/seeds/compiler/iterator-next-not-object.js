const bad = { [Symbol.iterator]() { return { next: () => 5 }; } };
try { for (const x of bad) {} } catch (e) { console.log(e instanceof TypeError); }
try { [...bad]; } catch (e) { console.log(e instanceof TypeError); }
try { for (const x of 5) {} } catch (e) { console.log(e instanceof TypeError); }
