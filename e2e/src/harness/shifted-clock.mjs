// A PC whose wall clock a test sets, for one process (`node --import <this file's URL> ...`):
// Date.now() and `new Date()` read the real clock plus the milliseconds in the file named by
// PAYME_E2E_CLOCK_OFFSET_FILE, read again at every call, so a test that writes the file moves
// the process's clock at once (the owner view's ageing scenario: a till that sold on credit 95,
// 45 and 10 days ago). performance.now() and timers keep real time, as they would on a PC whose
// clock was set. Plain JavaScript: it runs before the till's TypeScript loader. Test harness only.
import { readFileSync } from 'node:fs';

const file = process.env.PAYME_E2E_CLOCK_OFFSET_FILE;
if (file === undefined || file === '') throw new Error('shifted-clock.mjs needs PAYME_E2E_CLOCK_OFFSET_FILE');

const RealDate = globalThis.Date;
const realNow = RealDate.now.bind(RealDate);

/** The file is replaced by a rename (shiftClock in demo-stack.ts), so a read never sees half of it. */
function offsetMs() {
  const text = readFileSync(file, 'utf8').trim();
  const offset = Number(text);
  if (!Number.isSafeInteger(offset)) throw new Error(`${file} must hold a whole number of milliseconds, not "${text}"`);
  return offset;
}
offsetMs();

function ShiftedDate(...args) {
  if (!new.target) return new RealDate(realNow() + offsetMs()).toString();
  return args.length === 0 ? Reflect.construct(RealDate, [realNow() + offsetMs()], new.target) : Reflect.construct(RealDate, args, new.target);
}
ShiftedDate.prototype = RealDate.prototype;
ShiftedDate.now = () => realNow() + offsetMs();
ShiftedDate.parse = RealDate.parse;
ShiftedDate.UTC = RealDate.UTC;
Object.defineProperty(ShiftedDate, Symbol.hasInstance, { value: (value) => value instanceof RealDate });
globalThis.Date = ShiftedDate;
