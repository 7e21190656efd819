// Defined in the hot boundary (src/hot/clock.ts), which the lock protocol uses without loading core.
export { systemClock, type Clock } from '../hot/clock';
