/// The report's only stylesheet, inline: the file must look the same opened from disk, offline.
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --pass: #1a7f37; --fail: #c0392b; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f7f9; }
        header, main, footer { max-width: 1040px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 24px; }
        h1 { font-size: 26px; margin: 0 0 6px; }
        h1 .name { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; }
        h2 { font-size: 18px; margin: 0 0 8px; }
        h3 { font-size: 15px; margin: 16px 0 6px; }
        .badge { display: inline-block; font-size: 15px; padding: 2px 10px; border-radius: 12px; color: #fff; vertical-align: middle; background: var(--muted); }
        .badge.pass { background: var(--pass); }
        .badge.fail { background: var(--fail); }
        .verdict { font-size: 16px; margin: 4px 0 12px; }
        .facts { display: flex; flex-wrap: wrap; gap: 6px 24px; margin: 0 0 16px; }
        .facts div { display: flex; gap: 6px; }
        .facts dt { color: var(--muted); }
        .facts dd { margin: 0; }
        section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; }
        .note { color: var(--muted); margin: 0 0 8px; }
        .warning { color: var(--fail); }
        table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { color: var(--muted); font-weight: 600; }
        td:first-child { white-space: nowrap; }
        tr.met td:last-child { color: var(--pass); font-weight: 600; }
        tr.missed td { background: #fdecea; }
        tr.missed td:last-child { color: var(--fail); font-weight: 600; }
        tr.odd td { background: #fff4e5; }
        svg.chart { display: block; width: 100%; height: auto; margin: 4px 0 8px; }
        svg .grid { stroke: #e6e9ed; stroke-width: 1; }
        svg .axis { stroke: #9aa3ad; stroke-width: 1; }
        svg .plot { fill: #fafbfc; stroke: var(--line); }
        svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
        svg .legend, svg .label, svg .value { fill: var(--ink); }
        svg .empty { font-size: 15px; }
        svg .outage.ongoing { fill-opacity: 0.55; }
        footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
        """
}
