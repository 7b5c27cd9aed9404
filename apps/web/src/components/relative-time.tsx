"use client";

import { useEffect, useState } from "react";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const formatter = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "3 minutes ago" / "in 2 hours" for `date` seen from `now`. */
export function formatRelativeTime(date: Date, now: Date): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return formatter.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

/**
 * A time shown relative to now, with the absolute ISO time on hover (`title`) and in `dateTime`.
 * Re-renders every 30 seconds so "just now" does not go stale on an open page.
 */
export function RelativeTime({ value }: { value: Date | string | number }) {
  const date = value instanceof Date ? value : new Date(value);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  if (Number.isNaN(date.getTime())) return <span>unknown time</span>;
  const iso = date.toISOString();
  return (
    // The server's and the browser's "now" differ by the page's travel time.
    <time dateTime={iso} title={iso} suppressHydrationWarning>
      {formatRelativeTime(date, now)}
    </time>
  );
}
