//! The desk's front page: what waits, counts for today and the last 30 days, and a chart of
//! comments per day drawn as SVG on the server.
use super::desk_page;
use crate::api::desk::desk_front;
use crate::domain::desk::Queue;
use crate::domain::desk_views::{DayCount, Figures, FrontPage};
use leptos::prelude::*;

#[component]
pub fn DeskFrontPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| desk_front());
    desk_page("Overview", "front", data, |page: FrontPage, me| {
        let inbox = me.role.includes(crate::domain::desk::Role::Editor);
        view! {
            <ul class="desk-waiting">
                <li><a href=format!("/desk/queue?queue={}", Queue::Pending.as_str())><span class="big">{page.waiting}</span>" held for review"</a></li>
                <li><a href=format!("/desk/queue?queue={}", Queue::Reported.as_str())><span class="big">{page.reported}</span>" reported"</a></li>
                {inbox.then(|| view! {
                    <li><a href="/desk/inbox"><span class="big">{page.unread}</span>" unread messages"</a></li>
                })}
            </ul>
            <div class="desk-figures">
                <FiguresTable caption="Today (UTC)" f=page.today.clone()/>
                <FiguresTable caption="Last 30 days" f=page.month.clone()/>
            </div>
            <Chart days=page.days/>
        }
        .into_any()
    })
}

#[component]
fn FiguresTable(caption: &'static str, f: Figures) -> impl IntoView {
    view! {
        <table class="desk-table figures">
            <caption>{caption}</caption>
            <tbody>
                <tr><th scope="row">"Comments approved"</th><td>{f.approved}</td></tr>
                <tr><th scope="row">"Held, still waiting"</th><td>{f.held}</td></tr>
                <tr><th scope="row">"Spam"</th><td>{f.spam}</td></tr>
                <tr><th scope="row">"Reports"</th><td>{f.reports}</td></tr>
                <tr><th scope="row">"Contact messages"</th><td>{f.messages}</td></tr>
            </tbody>
        </table>
    }
}

const W: i64 = 720;
const H: i64 = 220;
const LEFT: i64 = 36;
const BOTTOM: i64 = 28;
const TOP: i64 = 12;

/// A round top for the axis: 1, 2, 5 × 10ⁿ at or above `max`.
fn nice_max(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= max.max(1) {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// Comments per day, stacked: approved, held, spam. The numbers are in the table under it too.
#[component]
fn Chart(days: Vec<DayCount>) -> impl IntoView {
    let max = nice_max(days.iter().map(|d| d.approved + d.held + d.spam).max().unwrap_or(0));
    let plot_h = H - BOTTOM - TOP;
    let slot = (W - LEFT) / days.len().max(1) as i64;
    let bar = (slot - 4).max(2);
    let y = move |v: i64| TOP + plot_h - v * plot_h / max;
    let total: i64 = days.iter().map(|d| d.approved + d.held + d.spam).sum();
    let label = |day: i64| {
        time::OffsetDateTime::from_unix_timestamp(day)
            .map(|t| format!("{} {}", t.day(), &t.month().to_string()[..3]))
            .unwrap_or_default()
    };
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = LEFT + i as i64 * slot + 2;
            let mut base = 0;
            let parts = [("approved", d.approved), ("held", d.held), ("spam", d.spam)]
                .into_iter()
                .filter(|(_, v)| *v > 0)
                .map(|(class, v)| {
                    let (top, bottom) = (y(base + v), y(base));
                    base += v;
                    view! { <rect class=format!("bar-{class}") x=x y=top width=bar height=bottom - top></rect> }
                })
                .collect_view();
            let tick = (i % 5 == 0 || i + 1 == days.len()).then(|| {
                view! { <text x=x + bar / 2 y=H - 8 text-anchor="middle" class="tick">{label(d.day)}</text> }
            });
            view! { <g>{parts}{tick}</g> }
        })
        .collect_view();
    let grid = [0, max / 2, max]
        .into_iter()
        .map(|v| {
            view! {
                <g>
                    <line x1=LEFT x2=W y1=y(v) y2=y(v) class="grid"></line>
                    <text x=LEFT - 6 y=y(v) + 4 text-anchor="end" class="tick">{v}</text>
                </g>
            }
        })
        .collect_view();
    let rows = days
        .iter()
        .rev()
        .filter(|d| d.approved + d.held + d.spam > 0)
        .map(|d| {
            view! {
                <tr><th scope="row">{label(d.day)}</th><td>{d.approved}</td><td>{d.held}</td><td>{d.spam}</td></tr>
            }
        })
        .collect_view();
    view! {
        <figure class="desk-chart">
            <figcaption>
                "Comments per day, last 30 days: "
                <span class="key key-approved">"approved"</span> ", "
                <span class="key key-held">"held"</span> ", "
                <span class="key key-spam">"spam"</span>
            </figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
                <title id="chart-title">{format!("Comments per day over the last 30 days: {total} in all")}</title>
                {grid}
                {bars}
            </svg>
            <details>
                <summary>"The numbers"</summary>
                <table class="desk-table">
                    <thead><tr><th scope="col">"Day"</th><th scope="col">"Approved"</th><th scope="col">"Held"</th><th scope="col">"Spam"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_axis_ends_on_a_round_number() {
        assert_eq!(super::nice_max(0), 1);
        assert_eq!(super::nice_max(3), 5);
        assert_eq!(super::nice_max(7), 10);
        assert_eq!(super::nice_max(180), 200);
    }
}
