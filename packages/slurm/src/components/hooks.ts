import { ISignal } from '@lumino/signaling';
import { useEffect, useReducer, useState } from 'react';

/** Re-render whenever `signal` fires. */
export function useSignal(signal: ISignal<any, any>): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    const slot = () => bump();
    signal.connect(slot);
    return () => {
      signal.disconnect(slot);
    };
  }, [signal]);
}

/** The current time, updated every `ms` milliseconds (for "N s ago"). */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}
