//! Hand-written inline SVG for the HTML reports: sparklines and share-over-time charts.
//! No JavaScript and no external resources, so the report is one file that opens anywhere;
//! every number drawn keeps a tooltip (`<title>`) and, where papers stand behind it, a link.

use std::fmt::Write;

/// Escape text for HTML and SVG content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A tick step of 1, 2 or 5 times a power of ten giving about `n` ticks up to `max`.
fn nice_step(max: f64, n: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let raw = max / n;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    mag * if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    }
}

fn pct_tick(x: f64, step: f64) -> String {
    let p = x * 100.0;
    let decimals = if step * 100.0 >= 1.0 { 0 } else if step * 100.0 >= 0.1 { 1 } else { 2 };
    format!("{p:.decimals$}%")
}

/// A sparkline of `values` (shares) with burst periods shaded and a partial last period
/// drawn dashed.
pub(crate) fn sparkline(values: &[f64], burst: &[bool], partial: bool, width: f64, height: f64) -> String {
    let n = values.len();
    let mut s = format!(r#"<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">"#);
    if n == 0 {
        s.push_str("</svg>");
        return s;
    }
    let max = values.iter().copied().fold(0.0f64, f64::max).max(1e-12);
    let pad = 2.0;
    let x = |i: usize| if n == 1 { width / 2.0 } else { pad + (width - 2.0 * pad) * i as f64 / (n - 1) as f64 };
    let y = |v: f64| height - pad - (height - 2.0 * pad) * v / max;
    let step = if n > 1 { (width - 2.0 * pad) / (n - 1) as f64 } else { width };
    for (i, &b) in burst.iter().enumerate() {
        if b {
            let _ = write!(s, r#"<rect x="{:.1}" y="0" width="{:.1}" height="{height}" class="burst"/>"#, x(i) - step / 2.0, step);
        }
    }
    let solid = if partial && n > 1 { n - 1 } else { n };
    let pts = |r: std::ops::Range<usize>| r.map(|i| format!("{:.1},{:.1}", x(i), y(values[i]))).collect::<Vec<_>>().join(" ");
    let _ = write!(s, r#"<polyline points="{}" class="line"/>"#, pts(0..solid));
    if solid < n {
        let _ = write!(s, r#"<polyline points="{}" class="line partial"/>"#, pts(solid - 1..n));
    }
    let last = n - 1;
    let _ = write!(s, r#"<circle cx="{:.1}" cy="{:.1}" r="2" class="{}"/>"#, x(last), y(values[last]), if partial { "dot open" } else { "dot" });
    s.push_str("</svg>");
    s
}

/// One point of a chart.
pub(crate) struct Point<'a> {
    pub label: &'a str,
    pub share: f64,
    pub papers: u32,
    pub total: u32,
    pub burst: bool,
    /// Where the papers behind the point are listed (an anchor in the same page).
    pub href: Option<String>,
}

/// A share-over-time chart: y axis in percent, x labels thinned to fit, bursts shaded, the
/// recent growth window tinted, a partial last period dashed, a linked dot per period.
pub(crate) fn chart(points: &[Point], partial: bool, recent: Option<(usize, usize)>, title: &str) -> String {
    let (w, h) = (760.0, 230.0);
    let (left, right, top, bottom) = (52.0, 14.0, 14.0, 40.0);
    let n = points.len();
    let mut s = format!(r#"<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#, esc(title));
    if n == 0 {
        s.push_str("</svg>");
        return s;
    }
    let max = points.iter().map(|p| p.share).fold(0.0f64, f64::max);
    let step = nice_step(max, 4.0);
    let ymax = ((max / step).ceil() * step).max(step);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let band = pw / n as f64;
    let x = |i: usize| left + band * (i as f64 + 0.5);
    let y = |v: f64| top + ph - ph * v / ymax;
    if let Some((a, b)) = recent {
        if b > a {
            let _ = write!(s, r#"<rect x="{:.1}" y="{top}" width="{:.1}" height="{ph}" class="window"><title>recent growth window</title></rect>"#, left + band * a as f64, band * (b - a) as f64);
        }
    }
    for (i, p) in points.iter().enumerate() {
        if p.burst {
            let _ = write!(s, r#"<rect x="{:.1}" y="{top}" width="{:.1}" height="{ph}" class="burst"><title>{}: burst</title></rect>"#, left + band * i as f64, band, esc(p.label));
        }
    }
    let mut t = 0.0;
    while t <= ymax + step / 2.0 {
        let yy = y(t);
        let _ = write!(s, r#"<line x1="{left}" x2="{:.1}" y1="{yy:.1}" y2="{yy:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="ytick">{}</text>"#, w - right, left - 6.0, yy + 4.0, pct_tick(t, step));
        t += step;
    }
    // A label every 58 px or more; the last period always has one, in place of the regular
    // label before it when the two would overlap.
    let every = ((n as f64 * 58.0 / pw).ceil() as usize).max(1);
    let mut ticks: Vec<usize> = (0..n).step_by(every).collect();
    if let Some(&last) = ticks.last().filter(|&&l| l != n - 1) {
        if ((n - 1 - last) as f64) * band < 58.0 && ticks.len() > 1 {
            ticks.pop();
        }
        ticks.push(n - 1);
    }
    for i in ticks {
        let _ = write!(s, r#"<text x="{:.1}" y="{:.1}" class="xtick">{}</text>"#, x(i), h - bottom + 16.0, esc(points[i].label));
    }
    let solid = if partial && n > 1 { n - 1 } else { n };
    let pts = |r: std::ops::Range<usize>| r.map(|i| format!("{:.1},{:.1}", x(i), y(points[i].share))).collect::<Vec<_>>().join(" ");
    let area = format!("{:.1},{:.1} {} {:.1},{:.1}", x(0), y(0.0), pts(0..solid), x(solid - 1), y(0.0));
    let _ = write!(s, r#"<polygon points="{area}" class="area"/><polyline points="{}" class="line"/>"#, pts(0..solid));
    if solid < n {
        let _ = write!(s, r#"<polyline points="{}" class="line partial"/>"#, pts(solid - 1..n));
    }
    for (i, p) in points.iter().enumerate() {
        let open = partial && i == n - 1;
        let tip = format!("{}: {} of {} papers ({}){}{}", p.label, p.papers, p.total, super::percent(p.share), if p.burst { ", burst" } else { "" }, if open { ", partial period" } else { "" });
        let dot = format!(r#"<circle cx="{:.1}" cy="{:.1}" r="3.2" class="{}"><title>{}</title></circle>"#, x(i), y(p.share), if open { "dot open" } else { "dot" }, esc(&tip));
        match &p.href {
            Some(h) if p.papers > 0 => {
                let _ = write!(s, r#"<a href="{}">{dot}</a>"#, esc(h));
            }
            _ => s.push_str(&dot),
        }
    }
    let _ = write!(s, r#"<line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" class="axis"/>"#, w - right, top + ph, top + ph);
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn nice_steps() {
        for (max, step) in [(0.083, 0.05), (0.012, 0.005), (0.3, 0.1), (0.0009, 0.0005)] {
            assert!((nice_step(max, 4.0) - step).abs() < 1e-12, "{max}: {}", nice_step(max, 4.0));
        }
    }

    #[test]
    fn chart_labels_never_overlap_and_the_last_period_has_one() {
        for n in [1usize, 2, 12, 31, 32, 33, 60, 61] {
            let labels: Vec<String> = (0..n).map(|i| format!("{}-{:02}", 2024 + i / 12, i % 12 + 1)).collect();
            let points: Vec<Point> = labels.iter().map(|l| Point { label: l, share: 0.01, papers: 1, total: 100, burst: false, href: None }).collect();
            let svg = chart(&points, false, None, "t");
            let xs: Vec<f64> = svg.match_indices(r#"class="xtick">"#).map(|(at, _)| {
                let head = &svg[..at];
                let x = &head[head.rfind("x=\"").unwrap() + 3..];
                x[..x.find('"').unwrap()].parse().unwrap()
            }).collect();
            assert!(svg.contains(&format!(r#"class="xtick">{}</text>"#, labels[n - 1])), "{n}: the last period is labelled");
            assert!(xs.windows(2).all(|w| w[1] - w[0] >= 50.0), "{n}: labels at {xs:?}");
        }
    }

    #[test]
    fn sparkline_marks_partial_and_bursts() {
        let s = sparkline(&[0.1, 0.2, 0.15], &[false, true, false], true, 100.0, 20.0);
        assert!(s.contains(r#"class="burst""#));
        assert!(s.contains("line partial"));
        assert!(s.contains("dot open"));
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
    }
}
