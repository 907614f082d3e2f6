"""Evaluation forms: 项目支出绩效自评表 (002/003, national layout), 事前绩效评估评分表 (003) and
绩效目标审核意见表 (003 第二十五条 + 004's numeric rules).

The seeds describe these forms but do not draw them; the self-evaluation table follows the national
项目支出绩效自评表 (财预〔2020〕10号 附件1), the other two the usual county review-sheet layout.
docs/forms/<id>.md says where each cell comes from.
"""

from __future__ import annotations

from layout import Cell as C
from layout import Layout, Repeat

# --- 项目支出绩效自评表 -------------------------------------------------------------------------------
# Grid (landscape): 绩效指标 | 一级 | 二级 | 三级 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施.
# The funding block shares the grid: its 分值 sits over the indicators' 分值 column.


def _money_row(label: str, key: str) -> list[C]:
    return [
        C(label, align="left"),
        C(f"{{{{ 资金.{key}.年初预算数 }}}}"), C(f"{{{{ 资金.{key}.全年预算数 }}}}"),
        C(f"{{{{ 资金.{key}.全年执行数 }}}}"), C(f"{{{{ 资金.{key}.分值 }}}}"),
        C(f"{{{{ 资金.{key}.执行率 }}}}"), C(f"{{{{ 资金.{key}.得分 }}}}"),
    ]


SELF_EVAL = Layout(
    id="self-eval",
    title="项目支出绩效自评表",
    subtitle="（{{ 年度 }}年度）",
    annex="",
    landscape=True,
    widths=[1.1, 2.0, 3.3, 4.0, 2.8, 2.8, 1.5, 1.8, 6.7],
    row_heights={8: 60},  # 年度总体目标 / 实际完成情况 text
    rows=[
        [C("项目名称", span=2), C("{{ 项目名称 }}", span=7, align="left")],
        [C("主管部门", span=2), C("{{ 主管部门 }}", span=3, align="left"), C("实施单位"),
         C("{{ 实施单位 }}", span=3, align="left")],
        [C("项目资金\n（万元）", span=2, rows=5), C(""), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值"),
         C("执行率"), C("得分")],
        _money_row("年度资金总额", "合计"),
        _money_row("其中：当年财政拨款", "财政拨款"),
        _money_row("上年结转资金", "上年结转"),
        _money_row("其他资金", "其他资金"),
        [C("年度总体目标", span=2, rows=2), C("预期目标", span=3), C("实际完成情况", span=4)],
        [C("{{ 年度总体目标 }}", span=3, align="left"), C("{{ 总体目标完成情况 }}", span=4, align="left")],
        [C("绩效\n指标", through=True), C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"),
         C("分值"), C("得分"), C("偏差原因分析及改进措施")],
        Repeat("指标", [
            C(through=True), C(field="一级指标", grouped=True), C(field="二级指标", grouped=True),
            C(field="三级指标", align="left"), C(field="年度指标值"), C(field="实际完成值"), C(field="分值"),
            C(field="得分"), C(field="偏差原因分析及改进措施", align="left"),
        ]),
        [C("总分", span=6), C("{{ 总分值 }}"), C("{{ 总分 }}"), C("")],
        [C("自评等级", span=2), C("{{ 自评等级 }}", span=3), C("结果应用"), C("{{ 结果应用 }}", span=3, align="left")],
    ],
    notes=[
        "注：1．执行率＝全年执行数÷全年预算数；预算执行率得分＝{{ 预算执行率分值 }}分×执行率（执行率超过100%的按100%计）。",
        "    2．绩效指标得分＝分值×得分率：定量指标达到年度指标值的得满分，未达到的按实际完成值与年度指标值之比计分；"
        "定性指标和时限指标按完成程度计分（{{ 定性计分 }}）。",
        "    3．{{ 等级说明 }}",
    ],
)

# --- 事前绩效评估评分表 --------------------------------------------------------------------------------
# Grid (portrait): 评估维度 | 评估内容 | 分值 | 得分 | 评估意见.

PRE_ASSESSMENT = Layout(
    id="pre-assessment",
    title="事前绩效评估评分表",
    annex="",
    widths=[2.9, 5.2, 1.5, 1.5, 5.9],
    row_heights={4: 72},  # a dimension row: 评估内容 runs to six lines
    rows=[
        [C("项目名称"), C("{{ 项目名称 }}", span=4, align="left")],
        [C("主管部门"), C("{{ 主管部门 }}", align="left"), C("实施单位", span=2), C("{{ 实施单位 }}", align="left")],
        [C("年初预算数\n（万元）"), C("{{ 年初预算数 }}"), C("项目属性", span=2), C("{{ 项目属性 }}", align="left")],
        [C("评估维度", bold=True), C("评估内容", bold=True), C("分值", bold=True), C("得分", bold=True),
         C("评估意见", bold=True)],
        Repeat("维度", [
            C(field="评估维度"), C(field="评估内容", align="left"), C(field="分值"), C(field="得分"),
            C(field="评估意见", align="left"),
        ]),
        [C("合计（评估得分）", span=2), C("{{ 总分值 }}"), C("{{ 总分 }}"), C("")],
        [C("评估结论", rows=2), C("予以支持"), C("部分支持", span=2), C("不予支持")],
        [C("{{ 结论.予以支持 }}"), C("{{ 结论.部分支持 }}", span=2), C("{{ 结论.不予支持 }}")],
    ],
    notes=[
        "注：1．评估内容：立项必要性、投入经济性、绩效目标合理性、实施方案可行性、筹资合规性。",
        "    2．评估结论：{{ 结论分档 }}",
        "    3．结论为“予以支持”或“部分支持”的，按评估得分排序纳入项目库管理；结论为“不予支持”的，不得纳入项目库管理，"
        "不得申请预算资金。",
        "{{ 封顶说明 }}",
    ],
    bottom=[("评估单位（章）：", "评估日期：    年  月  日"), ("评估人员（签字）：", "")],
)

# --- 绩效目标审核意见表 --------------------------------------------------------------------------------
# Grid (portrait): 序号 | 级别 | 规则 | 说明 (three columns wide). The other blocks span these columns.

TARGET_REVIEW = Layout(
    id="target-review",
    title="绩效目标审核意见表",
    annex="",
    widths=[1.2, 1.6, 2.2, 4.2, 3.0, 4.8],
    row_heights={3: 48, 6: 30, 7: 36, 8: 42, 9: 42, 18: 30, 21: 36},  # text rows (年度总体目标, 审核要点, 问题, 意见)
    rows=[
        [C("项目名称", span=2), C("{{ 项目名称 }}", span=4, align="left")],
        [C("主管部门", span=2), C("{{ 主管部门 }}", span=2, align="left"), C("实施单位"),
         C("{{ 实施单位 }}", align="left")],
        [C("年度", span=2), C("{{ 年度 }}", span=2, align="left"), C("年初预算数\n（万元）"), C("{{ 年初预算数 }}")],
        [C("年度总体目标", span=2), C("{{ 年度总体目标 }}", span=4, align="left")],
        [C("一、审核要点", span=6, bold=True, align="left")],
        [C("审核内容", span=2, bold=True), C("审核要点", span=3, bold=True), C("审核情况", bold=True)],
        [C("完整性", span=2), C("填报内容是否完整，绩效目标是否明确、清晰。", span=3, align="left"),
         C("{{ 要点.完整性 }}", align="left")],
        [C("相关性", span=2),
         C("绩效目标与部门职能是否相关；是否对申报的绩效目标设定了相关联的绩效指标；绩效指标是否细化、量化。", span=3,
           align="left"),
         C("{{ 要点.相关性 }}", align="left")],
        [C("适当性", span=2),
         C("项目资金规模与绩效目标之间是否匹配：在既定的资金规模下，绩效目标是否过高或过低；或者要完成既定的绩效目标，"
           "资金规模是否过大或过小。", span=3, align="left"),
         C("{{ 要点.适当性 }}", align="left")],
        [C("可行性", span=2),
         C("绩效目标是否经过充分论证和合理测算；为实现目标所采取措施是否切实可行；综合考虑成本效益，是否有必要安排财政资金。",
           span=3, align="left"),
         C("{{ 要点.可行性 }}", align="left")],
        [C("二、数量要求", span=6, bold=True, align="left")],
        [C("审核项目", span=3, bold=True), C("实际", bold=True), C("要求", bold=True), C("审核结果", bold=True)],
        [C("量化指标占比（{{ 数量.量化指标数 }}/{{ 数量.指标总数 }}）", span=3, align="left"),
         C("{{ 数量.量化指标占比.实际 }}"), C("{{ 数量.量化指标占比.要求 }}"), C("{{ 数量.量化指标占比.结果 }}")],
        [C("一级指标数（类）", span=3, align="left"), C("{{ 数量.一级指标数.实际 }}"), C("{{ 数量.一级指标数.要求 }}"),
         C("{{ 数量.一级指标数.结果 }}")],
        [C("二级指标数（类）", span=3, align="left"), C("{{ 数量.二级指标数.实际 }}"), C("{{ 数量.二级指标数.要求 }}"),
         C("{{ 数量.二级指标数.结果 }}")],
        [C("三级指标数（个）", span=3, align="left"), C("{{ 数量.三级指标数.实际 }}"), C("{{ 数量.三级指标数.要求 }}"),
         C("{{ 数量.三级指标数.结果 }}")],
        [C("三、审核发现的问题", span=6, bold=True, align="left")],
        [C("序号", bold=True), C("级别", bold=True), C("规则", bold=True), C("说明", span=3, bold=True)],
        Repeat("问题", [
            C(field="序号"), C(field="级别"), C(field="规则"), C(field="说明", span=3, align="left"),
        ]),
        [C("审核结论", span=3, rows=2, bold=True), C("通过"), C("不通过", span=2)],
        [C("{{ 结论.通过 }}"), C("{{ 结论.不通过 }}", span=2)],
        [C("审核意见", span=3), C("{{ 审核意见 }}", span=3, align="left")],
    ],
    notes=[
        "注：1．审核依据：绩效目标的完整性、相关性、适当性、可行性；量化指标占比不低于{{ 要求.量化指标占比 }}，"
        "一级指标不少于{{ 要求.一级指标 }}类，二级指标不少于{{ 要求.二级指标 }}类，三级指标不少于{{ 要求.三级指标 }}个。",
        "    2．“错误”须修改后重新申报，审核结论为不通过；“警告”为提示事项，不影响审核通过。",
    ],
    bottom=[("审核单位（章）：", "日期：    年  月  日")],
)
