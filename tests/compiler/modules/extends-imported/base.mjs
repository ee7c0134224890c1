export default class Base { who() { return 'base'; } }
