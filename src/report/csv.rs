//! The trend report as tidy CSV: one row per (period, concept), in the columns
//! `period,concept,label,papers,period_total,share,partial,growth,burst,lifecycle`.
//!
//! `share` is a fraction (papers / period_total, six decimals); `partial` and `burst` are
//! `true`/`false`; `growth` is the period's smoothed share over the previous period's (empty
//! under the minimum count); `lifecycle` is the concept's label over the whole span,
//! repeated on each of its rows. Rows follow the report's table (most papers first, or the
//! concepts named), periods in time order.

use super::trends::TrendReport;
use std::io::Write;

pub const HEADER: [&str; 10] = ["period", "concept", "label", "papers", "period_total", "share", "partial", "growth", "burst", "lifecycle"];

pub fn write_csv(report: &TrendReport, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for &ci in &report.table {
        let c = &report.concepts[ci];
        for (t, p) in report.periods.iter().enumerate() {
            let growth = c.period_growth[t].map(|g| format!("{g:.4}")).unwrap_or_default();
            w.write_record([
                p.label.as_str(),
                &c.id,
                &c.label,
                &c.counts[t].to_string(),
                &p.total.to_string(),
                &format!("{:.6}", c.shares[t]),
                if p.partial { "true" } else { "false" },
                &growth,
                if c.burst[t] { "true" } else { "false" },
                c.lifecycle.name(),
            ])?;
        }
    }
    w.flush()
}
