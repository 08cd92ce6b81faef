"""The daily report: the statistics of one day as a PDF (tables and two charts) or an XLSX
workbook (one sheet per breakdown, with native Excel charts).

The figures come from ``desk_app.services.statistics`` unchanged: the screen, the PDF and the
workbook show the same numbers. Headings are bilingual (Chinese first), since the report leaves
the counter for the exam authority's offices.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from desk_app.domain.errors import DeskError
from desk_app.domain.visits import VisitReason
from desk_app.persistence.database import Database
from desk_app.security import audit
from desk_app.security.keys import write_private
from desk_app.services.statistics import DailyStatistics, DistanceSummary, daily_statistics

FONT = "STSong-Light"

Rows = list[tuple[Any, ...]]


def _rate(value: float | None, *, percent: bool = False, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f} %" if percent else f"{value:.{digits}f}"


def summary_rows(figures: DailyStatistics) -> Rows:
    """The headline figures as (label, value) rows, in the order every output shows them."""
    return [
        ("日期 Day", figures.day.isoformat()),
        ("范围 Scope", "全部窗口 all counters" if figures.scope == "central" else "本窗口 counter"),
        ("决定 Decisions", figures.decisions),
        ("首次处理 First-line decisions", figures.first_line),
        ("转审 Referrals", figures.referrals),
        ("转审率 Referral rate", _rate(figures.referral_rate, percent=True)),
        ("工作小时 Active hours", figures.active_hours),
        ("每小时处理 Throughput per hour", _rate(figures.throughput_per_hour)),
        ("处理时长中位数 Median handling time (s)", _rate(figures.median_handling_seconds)),
        ("无处理时长 Without handling time", figures.without_handling_time),
    ]


def breakdowns(figures: DailyStatistics) -> list[tuple[str, Rows]]:
    """Each breakdown as (title, rows of (key, count))."""
    return [
        ("按小时 By hour", [(f"{hour:02d}:00", n) for hour, n in figures.by_hour.items() if n]),
        ("按窗口 By counter", list(figures.by_counter.items())),
        ("按操作员 By operator", list(figures.by_operator.items())),
        ("按结果 By outcome", list(figures.by_outcome.items())),
        ("按原因 By reason", list(figures.by_reason.items())),
        (
            "按来访原因 By reason of visit",
            [(_visit_reason_label(key), n) for key, n in figures.by_visit_reason.items()],
        ),
        ("按方式 By method", list(figures.by_method.items())),
        ("按考区 By exam area", list(figures.by_exam_area.items())),
    ]


def _visit_reason_label(value: str) -> str:
    try:
        reason = VisitReason(value)
    except ValueError:
        return value or "未记录 Not recorded"
    return f"{reason.chinese_label} {reason.english_label}"


def counter_rows(figures: DailyStatistics) -> Rows:
    return [
        (
            f"{c.site_id}/{c.counter_id}",
            c.decisions,
            c.first_line,
            c.referrals,
            _rate(c.referral_rate, percent=True),
            _rate(c.throughput_per_hour),
            _rate(c.median_handling_seconds),
        )
        for c in figures.counters
    ]


COUNTER_HEADER = (
    "窗口 Counter",
    "决定 Decisions",
    "首次 First-line",
    "转审 Referrals",
    "转审率 Rate",
    "每小时 Per hour",
    "时长中位 Median s",
)


def distance_rows(figures: DailyStatistics) -> Rows:
    return [
        (s.comparison, s.count, _rate(s.median, digits=3), _rate(s.p90, digits=3))
        for s in figures.distances
    ]


DISTANCE_HEADER = ("比对 Comparison", "次数 Count", "中位数 Median", "90 % P90")


def write_daily_report(figures: DailyStatistics, out: Path) -> Path:
    """Write the report as PDF or XLSX, chosen by the file's suffix; 0600 like every file the
    counter writes (it names operators)."""
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        data = daily_pdf(figures)
    elif suffix == ".xlsx":
        data = daily_xlsx(figures)
    else:
        raise DeskError(
            f"a report is written as .pdf or .xlsx, not {out.suffix or 'no suffix'}",
            code="report.format",
        )
    write_private(out, data)
    return out


# --- PDF ----------------------------------------------------------------------------------------


def register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def report_styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, spaceAfter=8),
        "heading": ParagraphStyle(
            "heading", fontName=FONT, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11),
    }


def a4_pdf(story: list[Any], title: str) -> bytes:
    """The story laid out on A4 pages with the reports' margins, as PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buffer = io.BytesIO()
    margin = 15 * mm
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title,
        author="Confirmation Desk",
    ).build(story)
    return buffer.getvalue()


def pdf_table(rows: Sequence[Sequence[Any]], header: Sequence[str] | None = None) -> Any:
    """A plain grid table in the report's font."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = ([list(header)] if header else []) + [[str(cell) for cell in row] for row in rows]
    if not data:
        data = [["—"]]
    table = Table(data, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")))
    table.setStyle(TableStyle(style))
    return table


def _bar_chart(labels: Sequence[str], values: Sequence[int], title: str) -> Any:
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(480, 170)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, 420, 110
    chart.data = [list(values) or [0]]
    chart.categoryAxis.categoryNames = list(labels) or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colors.HexColor("#3b6ea5")
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    drawing.add(String(40, 155, title, fontName=FONT, fontSize=9))
    return drawing


def _distance_chart(summary: DistanceSummary) -> Any:
    edges = summary.histogram.edges()
    labels = [f"{edge:.2f}" if index % 2 == 0 else "" for index, edge in enumerate(edges[:-1])]
    return _bar_chart(
        labels,
        list(summary.histogram.counts),
        f"人脸距离分布 Face distances: {summary.comparison} (n={summary.count})",
    )


def daily_pdf(figures: DailyStatistics) -> bytes:
    from reportlab.platypus import Paragraph

    register_font()
    styles = report_styles()
    story: list[Any] = [
        Paragraph(
            f"现场确认日报 Daily confirmation report · {figures.day.isoformat()}", styles["title"]
        ),
        pdf_table(summary_rows(figures)),
        Paragraph("按小时 Decisions per hour", styles["heading"]),
        _bar_chart(
            [f"{hour:02d}" for hour in figures.by_hour],
            list(figures.by_hour.values()),
            "决定数 Decisions (China time)",
        ),
    ]
    if figures.counters:
        story += [
            Paragraph("各窗口 Per counter", styles["heading"]),
            pdf_table(counter_rows(figures), COUNTER_HEADER),
        ]
    for title, rows in breakdowns(figures)[1:]:
        story += [Paragraph(title, styles["heading"]), pdf_table(rows, ("", "次数 Count"))]
    story += [
        Paragraph("人脸距离 Face distances per comparison", styles["heading"]),
        pdf_table(distance_rows(figures), DISTANCE_HEADER),
    ]
    story += [_distance_chart(summary) for summary in figures.distances if summary.count]
    story.append(
        Paragraph(
            "首次处理：对预注册记录的确认、转审或拒绝；转审率 = 转审 / 首次处理；每小时处理 = "
            "首次处理 / 有处理的小时数；处理时长：放卡（或录入证件）至决定。"
            " First-line: confirm, refer or reject of a pre-registered record; referral rate = "
            "referrals / first-line; throughput = first-line / hours with decisions; handling "
            "time: card placed (or document typed) to decision.",
            styles["body"],
        )
    )
    return a4_pdf(story, f"Daily report {figures.day.isoformat()}")


# --- XLSX ---------------------------------------------------------------------------------------


def daily_xlsx(figures: DailyStatistics) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Summary"
    for row in summary_rows(figures):
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 40
    hours = workbook.create_sheet("By hour")
    hours.append(["hour", "decisions"])
    for hour, count in figures.by_hour.items():
        hours.append([f"{hour:02d}:00", count])
    chart = BarChart()
    chart.title = "Decisions per hour"
    chart.add_data(Reference(hours, min_col=2, min_row=1, max_row=25), titles_from_data=True)
    chart.set_categories(Reference(hours, min_col=1, min_row=2, max_row=25))
    hours.add_chart(chart, "D2")
    for title, rows in breakdowns(figures)[1:]:
        sheet_name = title.split(" ", 1)[1][:31]
        breakdown = workbook.create_sheet(sheet_name)
        breakdown.append([title, "count"])
        for row in rows:
            breakdown.append(list(row))
    if figures.counters:
        counters = workbook.create_sheet("Per counter")
        counters.append(list(COUNTER_HEADER))
        for row in counter_rows(figures):
            counters.append(list(row))
    distances = workbook.create_sheet("Face distances")
    distances.append(list(DISTANCE_HEADER))
    for row in distance_rows(figures):
        distances.append(list(row))
    distances.append([])
    start_row = distances.max_row + 1
    distances.append(["bin from", *(s.comparison for s in figures.distances)])
    edges = figures.distances[0].histogram.edges() if figures.distances else []
    for index, edge in enumerate(edges[:-1]):
        distances.append([edge, *(s.histogram.counts[index] for s in figures.distances)])
    if edges:
        histogram_chart = BarChart()
        histogram_chart.title = "Face distance distribution"
        end_row = distances.max_row
        histogram_chart.add_data(
            Reference(
                distances,
                min_col=2,
                max_col=1 + len(figures.distances),
                min_row=start_row,
                max_row=end_row,
            ),
            titles_from_data=True,
        )
        histogram_chart.set_categories(
            Reference(distances, min_col=1, min_row=start_row + 1, max_row=end_row)
        )
        distances.add_chart(histogram_chart, "G2")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def daily_report(database: Database, day: date, out: Path, *, operator_id: str) -> DailyStatistics:
    """The counter's report for ``day`` written to ``out`` by a supervisor or administrator;
    the file written is recorded in the audit chain (``report.daily``)."""
    figures = daily_statistics(database, day, operator_id=operator_id)
    write_daily_report(figures, out)
    with database.unit_of_work() as uow:
        audit.append(
            uow.session,
            actor=operator_id,
            action="report.daily",
            subject=out.name[:100],
            details={"day": day.isoformat(), "decisions": figures.decisions},
        )
        uow.commit()
    return figures
