// Times as the officer types them (wall-clock time in the district's zone, "2026-11-28T09:05",
// as a datetime-local input holds it) and as the entry carries them (ISO 8601 with the offset).

function pad(n) { return (n < 10 ? "0" : "") + n; }

/** Minutes the zone's clock is ahead of UTC at that moment (negative west of Greenwich). */
function zoneOffsetMinutes(zone, utcMs) {
  const parts = {};
  new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric",
    month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
    .formatToParts(new Date(utcMs)).forEach((p) => { parts[p.type] = Number(p.value); });
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((wall - utcMs) / 60000);
}

/** "2026-11-28T09:05" in the district's zone, as ISO 8601 with its offset. */
export function localToIso(text, zone) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)$/.exec(text || "");
  if (!m) return text || "";
  const wall = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]);
  const offset = zoneOffsetMinutes(zone, wall - zoneOffsetMinutes(zone, wall) * 60000);
  const abs = Math.abs(offset);
  return text + ":00" + (offset < 0 ? "-" : "+") + pad(Math.floor(abs / 60)) + ":" + pad(abs % 60);
}

/** An ISO 8601 moment as the district's wall-clock time, "" when it is not one. */
export function isoToLocal(iso, zone) {
  const ms = Date.parse(iso);
  if (isNaN(ms)) return "";
  return new Date(ms + zoneOffsetMinutes(zone, ms) * 60000).toISOString().slice(0, 16);
}
