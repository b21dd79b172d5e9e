/**
 * How long a CloudNativePG schedule may leave between two backups. CNPG takes
 * cron with a seconds field (`0 0 2 * * *`, robfig/cron), five-field cron, and
 * the descriptors `@yearly` … `@hourly` and `@every <duration>`. The answer is
 * the longest gap between consecutive runs over five years of UTC calendar
 * (long enough for schedules on the 29th of February), or undefined when the
 * expression is not one of those.
 */
export function longestIntervalMs(expression: string): number | undefined {
  const text = expression.trim();
  if (text.startsWith('@')) return descriptor(text);
  const parts = text.split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [second, minute, hour, dom, month, dow] = parts.length === 6 ? parts : ['0', ...parts];
  const fields = {
    second: field(second!, 0, 59),
    minute: field(minute!, 0, 59),
    hour: field(hour!, 0, 23),
    dom: field(dom!, 1, 31),
    month: field(month!, 1, 12, MONTHS),
    dow: field(dow!, 0, 7, DAYS),
  };
  if (Object.values(fields).some((f) => f === undefined)) return undefined;
  const { second: s, minute: m, hour: h, dom: d, month: mo, dow: w } = fields as Record<keyof typeof fields, Field>;
  const weekdays = new Set([...w.values].map((v) => v % 7));
  const times = [...h.values].flatMap((hh) => [...m.values].flatMap((mm) => [...s.values].map((ss) => ((hh * 60 + mm) * 60 + ss) * 1000))).sort((a, b) => a - b);
  // Every matching day has the same runs: the gaps inside a day, and from one matching day's last run to the next one's first.
  let longest = Math.max(0, ...times.slice(1).map((t, i) => t - times[i]!));
  let previousLast: number | undefined;
  const start = Date.UTC(2024, 0, 1);
  for (let day = 0; day < 5 * 366; day++) {
    const date = start + day * DAY;
    const at = new Date(date);
    if (!mo.values.has(at.getUTCMonth() + 1)) continue;
    const domHit = d.values.has(at.getUTCDate());
    const dowHit = weekdays.has(at.getUTCDay());
    // Cron's rule: with both day fields restricted, either may match; otherwise both must.
    if (!(d.star || w.star ? domHit && dowHit : domHit || dowHit)) continue;
    if (previousLast !== undefined) longest = Math.max(longest, date + times[0]! - previousLast);
    previousLast = date + times.at(-1)!;
  }
  return longest > 0 ? longest : undefined;
}

const DAY = 86_400_000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface Field {
  values: Set<number>;
  /** `*` or `?`: unrestricted (matters for the two day fields). */
  star: boolean;
}

function field(text: string, min: number, max: number, names: readonly string[] = []): Field | undefined {
  const star = text === '*' || text === '?';
  const values = new Set<number>();
  const value = (v: string): number | undefined => {
    const named = names.indexOf(v.toLowerCase());
    if (named >= 0) return named + (min === 1 ? 1 : 0);
    return /^\d+$/.test(v) ? Number(v) : undefined;
  };
  for (const part of text.split(',')) {
    const m = /^(\*|\?|[^-/]+)(?:-([^/]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const all = m[1] === '*' || m[1] === '?';
    const from = all ? min : value(m[1]!);
    const to = m[2] !== undefined ? value(m[2]) : all || m[3] !== undefined ? max : from;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (from === undefined || to === undefined || from < min || to > max || from > to || step < 1) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, star };
}

function descriptor(text: string): number | undefined {
  const fixed: Record<string, number> = { '@hourly': 3_600_000, '@daily': DAY, '@midnight': DAY, '@weekly': 7 * DAY, '@monthly': 31 * DAY, '@yearly': 366 * DAY, '@annually': 366 * DAY };
  if (text in fixed) return fixed[text];
  const every = /^@every\s+((?:\d+(?:\.\d+)?(?:h|m|s|ms))+)$/.exec(text);
  if (!every) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let ms = 0;
  for (const [, n, u] of every[1]!.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) ms += Number(n) * unit[u!]!;
  return ms > 0 ? ms : undefined;
}
