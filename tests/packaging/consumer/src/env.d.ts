// All of Node this consumer uses. It installs no @types/node: the packages' declarations need
// none (the kernel packages run in browsers too).
declare const console: { log(...data: unknown[]): void };
