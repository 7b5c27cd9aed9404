"use client";

import { useEffect, useState } from "react";

/** `value`, once it has stopped changing for `delayMs` (compared by JSON, so new objects with equal content do not restart the wait). */
export function useDebouncedValue<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(JSON.parse(key) as T), delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);
  return debounced;
}
