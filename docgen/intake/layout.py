"""The intake workbook's layout: which sheet holds which DATA.md keys, in which cell.

Three kinds of sheet:

* a **form** (基本信息, 自评, 调整, 反馈): one field per row; column A the label, B the value, C a hint;
* a **grid** (资金, 事前评估): fixed rows named in column A, fixed columns;
* a **table** (绩效指标, 监控, 监控指标, 自评指标, 预算调整, 指标调整): one record per row below the title (row 1),
  the header (rows 2–3: a group such as 执行数 above its columns) and a hint row (4); records start at
  :data:`FIRST_ROW`. A grid has the same head.

Labels are looked up when a workbook is read, so a moved row is harmless and a changed header is reported.
The writer (:mod:`.writer`) and the reader (:mod:`.reader`) both work from these definitions.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import (
    COMPLETION,
    DEVIATION_CAUSES,
    DIMENSIONS,
    LEVEL1,
    LEVEL2_OF,
    OPINION_AREAS,
    POSSIBILITIES,
    PRE_CONCLUSIONS,
    SOURCES,
)

FORMAT_VERSION = 1
MARKER_SHEET = "_docgen"
MARKER_TEXT = "docgen-intake"
LISTS_SHEET = "列表"
GUIDE_SHEET = "填写说明"
FIRST_ROW = 5  # tables and grids: title, two header rows, hint
FORM_FIRST_ROW = 3  # forms: title, header (栏目 / 填写内容 / 填写说明)
TICK = "√"
TICKS = ("√", "✓", "✔", "是")
YES, NO = "是", "否"
TOTAL = "合计"

# cell kinds: how a value is written and read
TEXT = "text"  # free text; numbers and dates typed here are read as the text they show
AMOUNT = "amount"  # 万元, a number (text such as "1,200.5" is read by the amount reader)
SCORE = "score"
DATE = "date"
YEAR = "year"
VALUE = "value"  # an indicator value as on the official form: ≥12处, 96%, 进行中
CHOICE = "choice"  # one of a closed list (a dropdown)
FLAG = "flag"  # 是 / 否
LINES = "lines"  # a list of text: one item per line of the cell
TICKBOX = "tick"  # √ or empty (偏差原因)
FIXED = "fixed"  # written by docgen, not read (事前评估's 满分)


@dataclass(frozen=True)
class Column:
    """One cell of a record (a table column) or one field of a form."""

    key: str  # the DATA.md key, also the label shown
    hint: str
    kind: str = TEXT
    group: str = ""  # a mapping the key lives in (执行数 → 执行数.一般公共预算拨款), also the group header
    choices: str = ""  # the defined name of its dropdown list ("" for none)
    width: float = 14
    required: bool = False

    @property
    def label(self) -> str:
        return f"{self.group}：{self.key}" if self.group else self.key

    @property
    def path(self) -> tuple[str, ...]:
        return (self.group, self.key) if self.group else (self.key,)


@dataclass(frozen=True)
class Table:
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: int  # empty, unlocked, validated rows offered in a new workbook
    freeze: str = "A5"

    def index(self, key: str, group: str = "") -> int:
        for i, col in enumerate(self.columns):
            if col.key == key and col.group == group:
                return i
        raise KeyError(key)


@dataclass(frozen=True)
class Form:
    sheet: str
    title: str
    fields: tuple[Column, ...]


@dataclass(frozen=True)
class Grid:
    """Fixed rows (labels in column A) × fixed columns; each row's hint in the column after the last."""

    sheet: str
    title: str
    corner: str  # the header of column A
    rows: tuple[tuple[str, str], ...]  # (label, hint)
    columns: tuple[Column, ...]


# --- closed lists (the hidden 列表 sheet; one defined name each) ------------------------------

LEVEL2_PREFIX = "二级_"


def closed_lists() -> dict[str, tuple[str, ...]]:
    """Defined name → values, in the order the workbook's 列表 sheet holds them."""
    lists: dict[str, tuple[str, ...]] = {"一级指标": LEVEL1}
    for level1 in LEVEL1:
        lists[LEVEL2_PREFIX + level1] = LEVEL2_OF[level1]
    lists.update({
        "完成可能性": POSSIBILITIES,
        "完成程度": COMPLETION,
        "项目属性": ("新增项目", "延续项目"),
        "是否": (YES, NO),
        "偏差原因": (TICK,),
        "评估结论": PRE_CONCLUSIONS,
    })
    return lists


LEVEL2_FORMULA = 'INDIRECT("二级_"&${col}{row})'  # the 二级 dropdown follows the row's 一级
INDICATOR_NAMES = "三级指标列表"  # 绩效指标's 三级指标 column: the dropdown wherever an indicator is referred to

# --- sheets -------------------------------------------------------------------------------------

_OPTIONAL = "可不填。"

BASIC = Form("基本信息", "项目基本信息", (
    Column("项目名称", "必填。", required=True, width=40),
    Column("项目编码", _OPTIONAL),
    Column("年度", "必填。预算年度，四位数字，如 2024。", YEAR, required=True),
    Column("主管部门", "必填。表4 按主管部门汇总。", required=True),
    Column("实施单位", "必填。", required=True),
    Column("项目负责人", _OPTIONAL),
    Column("联系电话", _OPTIONAL),
    Column("项目属性", "下拉选择：新增项目 / 延续项目。", CHOICE, choices="项目属性"),
    Column("开始日期", "日期，如 2024-01-01。", DATE),
    Column("结束日期", "日期，如 2024-12-31。", DATE),
    Column("上年未完工", "下拉选择：是 / 否（是：不论金额均纳入跟踪）。", FLAG, choices="是否"),
    Column("项目类型", "可不填，如 民生。"),
    Column("年度总体目标", "必填。本年度要完成什么、达到什么效果。", required=True),
    Column("中长期目标", _OPTIONAL),
))

FUND_LINES = (
    ("年初预算数", "必填：年初批复的预算。"),
    ("全年预算数", "调整后预算数；不填则等于年初预算数。"),
    ("中期资金总额", "多年项目的总额（表1用）；可不填。"),
)


def _funding_columns(group: str = "", width: float = 14) -> tuple[Column, ...]:
    cols = [Column(s, "万元", AMOUNT, group=group, width=width) for s in SOURCES]
    cols.append(Column(TOTAL, "可不填，自动相加；填写时须等于各项之和。", AMOUNT, group=group, width=width))
    return tuple(cols)


FUNDS = Grid("资金", "资金（单位：万元）", "预算类别", FUND_LINES, _funding_columns(width=16))

INDICATORS = Table("绩效指标", "绩效指标（每行一个三级指标）", (
    Column("一级指标", "下拉选择。", CHOICE, choices="一级指标", required=True, width=12),
    Column("二级指标", "下拉选择（先选一级指标）。", CHOICE, choices=LEVEL2_PREFIX, required=True, width=16),
    Column("三级指标", "指标名称，不可重复。", required=True, width=28),
    Column("指标值", "照表填写：≥12处、≤30万元/处、95%、2024年11月30日前、健全。", VALUE, required=True, width=22),
    Column("分值", "自评权重；可不填（按配置方案平均分配）。", SCORE, width=10),
    Column("指标解释", _OPTIONAL, width=30),
), rows=100, freeze="D5")

_MGMT = "管理情况"
SNAPSHOTS = Table("监控", "监控（每次监控一行；各指标的完成情况填在“监控指标”表）", (
    Column("截止日期", "必填。如 2024-06-30（1-6月）。", DATE, required=True, width=12),
    *(Column(c.key, c.hint if c.key == TOTAL else "万元，自1月1日起累计。", AMOUNT, group="执行数", width=11)
      for c in _funding_columns()),
    *(Column(c.key, c.hint if c.key == TOTAL else "万元，预计全年。", AMOUNT, group="全年预计执行数", width=11)
      for c in _funding_columns()),
    Column("项目进展", "已完成的工作。", width=30),
    Column("存在问题", "每行一条（Alt+Enter 换行）。", LINES, width=30),
    Column("改进措施", "每行一条（Alt+Enter 换行）。", LINES, width=30),
    Column("其他说明", "每行一条。", LINES, width=20),
    Column("计划启动日期", "日期。", DATE, group=_MGMT, width=12),
    Column("实际启动日期", "日期。", DATE, group=_MGMT, width=12),
    Column("资金拨付", "文字。", group=_MGMT, width=20),
    Column("制度建设", "文字。", group=_MGMT, width=20),
    Column("违规情况", "没有则不填。", group=_MGMT, width=20),
), rows=12, freeze="B5")

_CAUSE = "偏差原因"
SNAPSHOT_INDICATORS = Table("监控指标", "监控指标（每次监控 × 每个三级指标一行）", (
    Column("截止日期", "必填：与“监控”表的截止日期相同。", DATE, required=True, width=12),
    Column("三级指标", "下拉选择（来自“绩效指标”表）。", CHOICE, choices=INDICATOR_NAMES, required=True, width=24),
    Column("执行情况", "必填：截至该日累计完成，如 3处、96%；定性指标写文字，如 进行中。", VALUE, required=True,
           width=16),
    Column("本期应完成", "纠偏表用：本季度应完成的指标值；可不填。", VALUE, width=12),
    Column("全年预计", "预计全年完成值。", VALUE, width=14),
    *(Column(c, "有此原因选“√”。", TICKBOX, group=_CAUSE, choices=_CAUSE, width=9) for c in DEVIATION_CAUSES),
    Column("原因说明", _OPTIONAL, width=24),
    Column("改进措施", _OPTIONAL, width=24),
    Column("完成可能性", "下拉选择；不填则自动判断。", CHOICE, choices="完成可能性", width=12),
    Column("完成程度", "定性指标：下拉选择；可不填。", CHOICE, choices="完成程度", width=10),
    Column("备注", _OPTIONAL, width=16),
), rows=300, freeze="C5")

SELF_EVAL = Form("自评", "年度自评（年末填写；明细填在“自评指标”表）", (
    *(Column(c.key, c.hint if c.key == TOTAL else "万元，全年实际执行数。", AMOUNT, group="执行数")
      for c in _funding_columns()),
    Column("总体目标完成情况", "文字。"),
))

SELF_EVAL_INDICATORS = Table("自评指标", "自评指标（每个三级指标一行）", (
    Column("三级指标", "下拉选择（来自“绩效指标”表）。", CHOICE, choices=INDICATOR_NAMES, required=True, width=24),
    Column("实际完成值", "如 12处、96.5%、2024年12月20日；定性指标写文字。", VALUE, width=18),
    Column("完成程度", "定性指标：下拉选择。", CHOICE, choices="完成程度", width=10),
    Column("得分", "可不填（自动计算）；填写时不超过分值。", SCORE, width=8),
    Column("偏差原因及改进措施", _OPTIONAL, width=40),
), rows=100, freeze="B5")

ADJUSTMENT = Form("调整", "绩效目标调整（附件3；调整时填写）", (
    Column("调整原因", "文字。"),
    Column("调整后产出", "文字。"),
    Column("调整后成效", "文字。"),
))

BUDGET_CHANGES = Table("预算调整", "预算调整（附件3，每项工作任务一行）", (
    Column("工作任务", "必填。", required=True, width=30),
    Column("原先申请资金", "万元。", AMOUNT, width=14),
    Column("计划调整后资金", "万元。", AMOUNT, width=14),
    Column("开始日期", "日期。", DATE, width=12),
    Column("结束日期", "日期。", DATE, width=12),
), rows=30, freeze="B5")

INDICATOR_CHANGES = Table("指标调整", "指标调整（附件3，每个调整的三级指标一行）", (
    Column("三级指标", "下拉选择（来自“绩效指标”表）。", CHOICE, choices=INDICATOR_NAMES, required=True, width=24),
    Column("原指标", "调整前的指标值。", VALUE, width=16),
    Column("调整后指标", "必填：调整后的指标值。", VALUE, required=True, width=16),
    Column("指标解释", _OPTIONAL, width=30),
), rows=30, freeze="B5")

CONCLUSION = "结论"
PRE_ASSESSMENT = Grid("事前评估", "事前绩效评估（评分表；评估时填写）", "评估维度",
                      tuple((d, "") for d in DIMENSIONS), (
    Column("满分", "按配置方案。", FIXED, width=8),
    Column("得分", "必填，不超过满分。", SCORE, width=8),
    Column("意见", _OPTIONAL, width=50),
))
# 事前评估's 结论: the row below the dimensions, its value in the 意见 column (a dropdown)
CONCLUSION_HINT = "可不填：按总分自动得出。"

FEEDBACK = Form("反馈", "绩效跟踪综合意见反馈（表3，财政局填写）", (
    Column("审核单位", "文字。"),
    Column("审核日期", "日期。", DATE),
    *(Column(area, "文字。", group="意见") for area in OPINION_AREAS),
    Column("整改要求", "每行一条。", LINES),
    Column("整改期限", "如 2024-10-15 或 10月15日前。"),
))

SHEETS: tuple[Form | Grid | Table, ...] = (
    BASIC, FUNDS, INDICATORS, SNAPSHOTS, SNAPSHOT_INDICATORS, SELF_EVAL, SELF_EVAL_INDICATORS,
    ADJUSTMENT, BUDGET_CHANGES, INDICATOR_CHANGES, PRE_ASSESSMENT, FEEDBACK,
)
REQUIRED_SHEETS = (BASIC.sheet, FUNDS.sheet, INDICATORS.sheet)
