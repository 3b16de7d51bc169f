//! Dates as readers see them. Timestamps travel as unix seconds (UTC).
use time::{format_description::well_known::Rfc3339, macros::format_description, OffsetDateTime};

fn at(ts: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2026-11-27T07:45:00Z`, for `<time datetime>`, sitemaps and JSON-LD.
pub fn iso8601(ts: i64) -> String {
    at(ts).format(&Rfc3339).unwrap_or_default()
}

/// `27 November 2026`
pub fn long_date(ts: i64) -> String {
    at(ts).format(format_description!("[day padding:none] [month repr:long] [year]")).unwrap_or_default()
}

/// `27 Nov 2026, 07:45 UTC`, the exact time shown on hover.
pub fn exact(ts: i64) -> String {
    at(ts)
        .format(format_description!("[day padding:none] [month repr:short] [year], [hour]:[minute] UTC"))
        .unwrap_or_default()
}

/// `2026-12-07T14:30`: a minute in UTC, as `<input type="datetime-local">` shows and sends it.
pub fn minute_input(ts: i64) -> String {
    at(ts).format(format_description!("[year]-[month]-[day]T[hour]:[minute]")).unwrap_or_default()
}

/// A minute as `<input type="datetime-local">` sends it (`2026-12-07T14:30`, seconds allowed),
/// read as UTC; `None` for anything else.
pub fn parse_minute_input(s: &str) -> Option<i64> {
    let s = s.trim();
    let minute = s.get(..16)?;
    let rest = &s[16..];
    if !(rest.is_empty()
        || (rest.len() == 3 && rest.starts_with(':') && rest[1..].bytes().all(|b| b.is_ascii_digit())))
    {
        return None;
    }
    let t =
        time::PrimitiveDateTime::parse(minute, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
            .ok()?;
    Some(t.assume_utc().unix_timestamp())
}

/// "just now", "5 minutes ago", "3 days ago"… relative to `now`; old dates fall back to the date.
pub fn relative(ts: i64, now: i64) -> String {
    let d = (now - ts).max(0);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    match d {
        0..=44 => "just now".to_string(),
        45..=3599 => plural((d / 60).max(1), "minute"),
        3600..=86_399 => plural(d / 3600, "hour"),
        86_400..=2_591_999 => plural(d / 86_400, "day"),
        _ => long_date(ts),
    }
}

/// "15 minutes", "1 hour", "45 seconds": a length of time in words.
pub fn duration(secs: i64) -> String {
    let (n, unit) = if secs % 3600 == 0 && secs >= 3600 {
        (secs / 3600, "hour")
    } else if secs % 60 == 0 && secs >= 60 {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let ts = 1_795_765_500; // 2026-11-27T07:45:00Z
        assert_eq!(iso8601(ts), "2026-11-27T07:45:00Z");
        assert_eq!(long_date(ts), "27 November 2026");
        assert_eq!(exact(ts), "27 Nov 2026, 07:45 UTC");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(900), "15 minutes");
        assert_eq!(duration(3600), "1 hour");
        assert_eq!(duration(45), "45 seconds");
    }

    #[test]
    fn relative_times() {
        let now = 1_795_765_500;
        assert_eq!(relative(now - 3, now), "just now");
        assert_eq!(relative(now - 60, now), "1 minute ago");
        assert_eq!(relative(now - 150, now), "2 minutes ago");
        assert_eq!(relative(now - 7200, now), "2 hours ago");
        assert_eq!(relative(now - 86_400 * 3, now), "3 days ago");
        assert_eq!(relative(now - 86_400 * 400, now), long_date(now - 86_400 * 400));
    }
}

#[cfg(test)]
mod minute_tests {
    use super::*;

    #[test]
    fn a_minute_goes_to_the_form_and_back() {
        let ts = 1_796_653_800; // 2026-12-07T14:30:00Z
        assert_eq!(minute_input(ts), "2026-12-07T14:30");
        assert_eq!(parse_minute_input("2026-12-07T14:30"), Some(ts));
        assert_eq!(parse_minute_input("2026-12-07T14:30:00"), Some(ts));
        for bad in [
            "",
            "2026-12-07",
            "2026-13-07T14:30",
            "2026-12-07T14:30Z",
            "2026-12-07T14:30:0x",
            "ééééééééééééééééé",
        ] {
            assert_eq!(parse_minute_input(bad), None, "{bad}");
        }
    }
}
