class Base { hello() { return 'base hello'; } }
class K extends Base { hello() { const f = () => super.hello(); return 'K+' + f(); } }
console.log(new K().hello());
