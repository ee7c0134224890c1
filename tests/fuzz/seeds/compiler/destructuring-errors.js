try { const {a} = null; } catch (e) { console.log(e instanceof TypeError); }
try { const [b] = {}; } catch (e) { console.log(e instanceof TypeError); }
try { const {c: {d}} = {}; } catch (e) { console.log(e instanceof TypeError); }
try { (({}) => 1)(undefined); } catch (e) { console.log('empty', e instanceof TypeError); }
const {e = 'default'} = {e: null};
console.log(e);
