"""附件2 绩效运行监控目标纠偏表 and 附件3 绩效运行监控目标调整表 (001), as the seed lays them out.

Both are landscape: the seed sets their title lines at landscape width, like 附件1. The period the seed
prints at the right end of the title line ("（    年  季度）" / "（    年度）") is the centred line under it.
"""

from __future__ import annotations

from layout import Cell as C
from layout import Layout, Repeat

_GAP = "\u3000" * 6  # the blank for a handwritten name between two labels of the bottom line
_BOTTOM = [(f"填报单位负责人：{_GAP}填报人：", "填报日期：    年  月  日")]

CORRECTION = Layout(
    id="correction",
    title="绩效运行监控目标纠偏表",
    annex="附件2",
    landscape=True,
    # 一级目标 | 二级目标 | 三级目标 | 完成时的指标值 | 本季度应完成 | 实际完成 | 执行偏差
    widths=[1.9, 3.4, 4.2, 3.4, 3.4, 5.0, 5.1],
    subtitle="（{{ 季度 }}）",
    top=[("填报单位（盖章）：{{ 填报单位 }}", "项目（政策）名称：{{ 项目名称 }}")],
    rows=[
        [C("一级目标"), C("二级目标"), C("三级目标"), C("项目（政策）\n完成时的指标值"),
         C("本季度应完成的\n绩效指标值"), C("实际完成目标百分比\n或情况描述"),
         C("执行偏差\n（可量化的尽量用数值表示）")],
        Repeat("指标", [
            C(field="一级目标", grouped=True), C(field="二级目标", grouped=True), C(field="三级目标"),
            C(field="完成时的指标值"), C(field="本季度应完成"), C(field="实际完成"), C(field="执行偏差"),
        ]),
        [C("存在的主要问题\n（分条描述清楚）", span=2), C("{{ 存在问题 }}", span=5, align="left")],
        [C("改进措施和有关建议\n（分条描述清楚）", span=2), C("{{ 改进措施 }}", span=5, align="left")],
        [C("其他需要说明的问题", span=2), C("{{ 其他说明 }}", span=5, align="left")],
    ],
    bottom=_BOTTOM,
)

ADJUSTMENT = Layout(
    id="adjustment",
    title="绩效运行监控目标调整表",
    annex="附件3",
    landscape=True,
    # label | 一级指标 | 二级指标 | 三级指标 | 原指标 | 调整后指标 | 指标标准解释
    widths=[2.6, 2.4, 3.0, 3.6, 3.0, 3.0, 9.0],
    subtitle="（{{ 年度 }}年度）",
    top=[("填报单位（盖章）：{{ 填报单位 }}", "")],
    rows=[
        [C("项目（政策）\n名称"), C("{{ 项目名称 }}", span=6, align="left")],
        [C("调整原因\n及依据"), C("{{ 调整原因 }}", span=6, align="left")],
        [C("调整后\n预期目标", rows=2), C("项目（政策）产出", span=2), C("{{ 调整后产出 }}", span=4, align="left")],
        [C("项目（政策）预期成效", span=2), C("{{ 调整后成效 }}", span=4, align="left")],
        [C("目标完成度"), C("{{ 目标完成度 }}", span=6, align="left")],
        [C("预算资金拟\n调整情况\n（万元）", through=True), C("具体工作任务／工作量", span=3), C("原先申请资金"),
         C("计划调整后资金"), C("计划时间安排（起止时间）")],
        Repeat("预算调整", [
            C(through=True), C(field="工作任务", span=3, align="left"), C(field="原先申请资金"),
            C(field="计划调整后资金"), C(field="计划时间安排"),
        ]),
        [C("绩效指标\n调整情况", rows=2, through=True), C("指标名称", span=3), C("原指标", rows=2),
         C("调整后指标", rows=2), C("指标标准解释", rows=2)],
        [C("一级指标"), C("二级指标"), C("三级指标")],
        Repeat("指标调整", [
            C(through=True), C(field="一级指标", grouped=True), C(field="二级指标", grouped=True),
            C(field="三级指标"), C(field="原指标"), C(field="调整后指标"), C(field="指标标准解释", align="left"),
        ]),
    ],
    bottom=_BOTTOM,
)
