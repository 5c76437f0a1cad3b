"""The stylesheet inlined into every HTML report (screen and print)."""

CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f4f6f8;color:#1f2933;font:14px/1.45 Helvetica,Arial,'DejaVu Sans',sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px;background:#fff;min-height:100vh}
header.top{display:flex;justify-content:space-between;align-items:flex-end;gap:16px;
 border-bottom:3px solid #1f4e79;padding-bottom:12px;margin-bottom:18px}
h1{font-size:22px;margin:0;color:#1f4e79}
h1 .case{font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;color:#111827}
.sub{margin:4px 0 0;color:#52606d;font-size:13px}
h2{font-size:16px;margin:28px 0 8px;padding-bottom:4px;border-bottom:1px solid #d9e2ec;color:#1f4e79}
h3{font-size:14px;margin:0 0 6px}
.status{font-weight:bold;padding:6px 12px;border-radius:4px;white-space:nowrap;font-size:13px}
.status.plan{background:#e3f4e8;color:#1e6b3a;border:1px solid #9bd3ad}
.status.refer{background:#fff1d6;color:#8a5300;border:1px solid #f0c36d}
.status.urgent{background:#b42318;color:#fff;border:1px solid #8c1b12}
.banner{border:2px solid #b42318;background:#fdecea;border-radius:6px;padding:14px 18px;margin:0 0 10px}
.banner.soon,.banner.routine{border-color:#c77700;background:#fff6e5}
.banner h2{margin:0 0 6px;border:0;color:#b42318;font-size:19px;letter-spacing:.02em}
.banner.soon h2,.banner.routine h2{color:#8a5300}
.banner ul{margin:6px 0;padding-left:20px}
.banner p{margin:6px 0}
table{width:100%;border-collapse:collapse;margin:6px 0 10px;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #e4e7eb}
th{background:#f0f4f8;color:#334e68;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
td.num,th.num{text-align:right;white-space:nowrap}
.card{border:1px solid #e4e7eb;border-left:4px solid #c9a227;border-radius:4px;padding:10px 12px;margin:10px 0}
.card .meta{color:#52606d;font-size:12.5px;margin-bottom:4px}
.hit{font-weight:bold;color:#b42318}
.ok{color:#1e6b3a}
.rule,.mono{font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace;font-size:11.5px;color:#52606d}
.rule{overflow-wrap:anywhere}
.small{font-size:12px;color:#52606d}
.grade{display:inline-block;min-width:20px;text-align:center;font-weight:bold;border-radius:3px;padding:0 4px}
.grade.A{background:#dcf5e3;color:#1e6b3a}.grade.B{background:#fff4d6;color:#7a5b00}
.grade.C{background:#eef0f3;color:#3e4c59}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:bold}
.tag.withheld{background:#fdecea;color:#b42318}.tag.blocked{background:#eef0f3;color:#3e4c59}
.tag.observed{background:#ffe3cc;color:#8a4200}.tag.expected{background:#f4f6f8;color:#52606d}
.warn{color:#8a5300;font-weight:bold}
.nw{white-space:nowrap}
figure.graph{margin:0;background:#fff}
@media screen and (min-width:1240px){section.explanation figure.graph{margin:0 calc(574px - 50vw)}}
.none{color:#7b8794;font-style:italic}
.graph{overflow-x:auto;border:1px solid #e4e7eb;border-radius:4px;padding:4px}
.graph svg{display:block;height:auto;max-width:100%}
footer{margin-top:30px;padding-top:10px;border-top:1px solid #d9e2ec;color:#52606d;font-size:12px}
footer code{font-size:11px;word-break:break-all}
@page{size:A4;margin:14mm 12mm}
@page wide{size:A4 landscape;margin:10mm}
@media print{
 body{background:none;font-size:10pt;color:#000}
 main{max-width:none;padding:0;min-height:0}
 .status,.status.urgent,.banner,th,.grade,.tag{background:none!important;color:#000!important}
 .status,.tag{border:1px solid #000}
 .banner{border:3px solid #000!important}
 .banner h2{color:#000!important}
 .hit{color:#000}
 table,tr,.card,.banner,figure{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}
 th,td{padding:4px 5px}
 .rule,.mono{font-size:7.5pt}
 h2,h3,h2+p,h2+.small{break-after:avoid;page-break-after:avoid}
 li,.card h3+.meta{break-inside:avoid;page-break-inside:avoid}
 section.explanation{page:wide;break-before:page}
 section.explanation figure.graph{margin:0}
 .graph{overflow:visible;border:0;padding:0}
 .graph-inner{min-width:0!important}
 .graph svg{width:100%;max-width:100%;max-height:160mm}
}
"""


def graph_box_style(natural_width: str) -> str:
    """The explanation graph's box on screen: never narrower than 75 % of the drawing (labels stay legible, and
    only the graph scrolls sideways when the page is narrower) and never wider than the drawing (a small graph
    is not blown up); print overrides the minimum so the graph scales to the landscape page."""
    natural = float(natural_width or 0)
    least = min(int(natural * 0.75), 2400)
    return f"min-width:{least}px;max-width:{max(int(natural), least)}px"
