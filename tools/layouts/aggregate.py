"""表4 绩效跟踪情况汇总表 (000) and 绩效监控覆盖情况 (004): forms over a set of projects."""

from __future__ import annotations

from layout import Cell as C
from layout import Layout, Repeat

SUMMARY = Layout(
    id="summary",
    title="{{ 地区 }}{{ 年度 }}年度绩效跟踪情况汇总表",
    annex="表4",
    landscape=True,
    header_rows=1,
    widths=[0.8, 2.0, 3.0, 2.4, 1.6, 1.6, 1.6, 1.5, 1.5, 1.5, 1.6, 3.6, 4.0],
    top=[("填报单位（章）：{{ 填报单位 }}", "跟踪时点：{{ 截止日期 }}    金额单位：万元")],
    rows=[
        [C("序号"), C("主管部门"), C("项目名称"), C("实施单位"), C("年初预算数"), C("全年预算数"), C("执行数"),
         C("执行率"), C("时序进度"), C("预算执行预警"), C("指标预警（个）"), C("存在问题"), C("整改方案和措施")],
        Repeat("项目", [
            C(field="序号"), C(field="主管部门", grouped=True), C(field="项目名称", align="left"),
            C(field="实施单位", align="left"), C(field="年初预算数"), C(field="全年预算数"), C(field="执行数"),
            C(field="执行率"), C(field="时序进度"), C(field="预算执行预警"), C(field="指标预警"),
            C(field="存在问题", align="left"), C(field="整改方案和措施", align="left"),
        ]),
    ],
    notes=[
        "注：1．本表汇总年初预算20万元以上的项目和上年度未完工项目（纳入绩效跟踪范围的项目）。",
        "    2．执行率＝执行数÷全年预算数；预算执行预警按执行进度比（执行率÷时序进度）判定：低于60%红灯，60%–80%黄灯，80%以上绿灯。",
        "    3．指标预警（个）按红、黄、绿、蓝灯分别计数；整改方案和措施取自主管部门审核反馈的整改要求，未反馈的取项目单位填报的改进措施。",
    ],
    bottom=[("填报人：", "填报日期：    年  月  日")],
)

COVERAGE = Layout(
    id="coverage",
    title="{{ 年度 }}年度绩效监控覆盖情况表",
    annex="",
    landscape=True,
    header_rows=2,
    widths=[1.0, 4.2, 1.8, 2.2, 1.8, 2.2, 2.8, 2.8, 2.4, 2.4],
    top=[("统计范围：{{ 范围 }}", "金额单位：万元")],
    rows=[
        [C("序号", rows=2), C("主管部门", rows=2), C("预算单位（个）", span=2), C("项目（个）", span=2),
         C("项目金额", span=2), C("监控覆盖率", span=2)],
        [C("单位数"), C("已监控"), C("项目数"), C("已监控"), C("年初预算数"), C("已监控金额"), C("按金额"), C("按项目数")],
        Repeat("部门", [
            C(field="序号"), C(field="主管部门", align="left"), C(field="单位数"), C(field="已监控单位数"),
            C(field="项目数"), C(field="已监控项目数"), C(field="项目金额"), C(field="已监控金额"),
            C(field="金额覆盖率"), C(field="项目覆盖率"),
        ]),
    ],
    notes=["说明：{{ 说明 }}", "注：覆盖率（按金额）＝已开展绩效监控项目的年初预算数÷全部项目年初预算数。"],
)
