function describe() { return 'config ' + JSON.stringify(CONFIG); }
try { describe(); } catch (e) { console.log(e.name, e.message); }
const CONFIG = { mode: 'prod' };
console.log(describe());
let counter;
function bump() { return counter = (counter || 0) + 1; }
console.log(bump(), bump());
try { later(); } catch (e) { console.log(e.name, e.message); }
class Later { static make() { return new Later(); } }
function later() { return Later.make(); }
console.log(later() instanceof Later);
const lazy = () => typeof notYet;
try { lazy(); } catch (e) { console.log('lazy', e.message); }
let notYet = 'now';
console.log(lazy());
