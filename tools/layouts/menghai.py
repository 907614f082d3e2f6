"""勐海 绩效跟踪 forms (000): 表1 项目绩效目标表, 表2 项目绩效跟踪情况表, 表3 绩效跟踪综合意见反馈表.

000 names the three tables and says what each holds but prints none of them, so they are laid out the
way county forms of this kind are: 表1 in the national 项目支出绩效目标申报表 layout, 表2 in the two parts
000 describes, 表3 as a 审核意见 sheet with the four areas 000 names. docs/forms/*.md say what each cell holds.
"""

from __future__ import annotations

from layout import Cell as C
from layout import Layout, Repeat

# --- 表1 ----------------------------------------------------------------------------------------

TARGET = Layout(
    id="target",
    title="{{ 表名 }}",  # the profile's 表1.标题 (national: 项目支出绩效目标申报表)
    annex="表1",
    widths=[0.8, 2.0, 2.7, 4.2, 2.7, 2.8, 1.4],
    subtitle="（{{ 年度 }}年度）",
    top=[("填报单位（章）：{{ 填报单位 }}", "")],
    row_heights={8: 72},  # XLSX: the 中长期目标 / 年度目标 texts
    rows=[
        [C("项目名称", span=2), C("{{ 项目名称 }}", span=2, align="left"), C("项目编码"),
         C("{{ 项目编码 }}", span=2, align="left")],
        [C("主管部门及代码", span=2), C("{{ 主管部门及代码 }}", span=2, align="left"), C("实施单位"),
         C("{{ 实施单位 }}", span=2, align="left")],
        [C("项目负责人", span=2), C("{{ 项目负责人 }}", span=2, align="left"), C("联系电话"),
         C("{{ 联系电话 }}", span=2, align="left")],
        [C("项目属性", span=2), C("{{ 新增项目 }}新增项目　　{{ 延续项目 }}延续项目", span=2, align="left"),
         C("项目起止时间"), C("{{ 起止时间 }}", span=2, align="left")],
        [C("项目资金\n（万元）", span=2, rows=3), C("中期资金总额：", align="left"), C("{{ 资金.中期.合计 }}"),
         C("年度资金总额：", align="left"), C("{{ 资金.年度.合计 }}", span=2)],
        [C("其中：财政拨款", align="left"), C("{{ 资金.中期.财政拨款 }}"), C("其中：财政拨款", align="left"),
         C("{{ 资金.年度.财政拨款 }}", span=2)],
        [C("其他资金", align="left"), C("{{ 资金.中期.其他资金 }}"), C("其他资金", align="left"),
         C("{{ 资金.年度.其他资金 }}", span=2)],
        [C("总体目标", span=2, rows=2), C("中长期目标", span=2), C("年度目标", span=3)],
        [C("{{ 中长期目标 }}", span=2, align="left"), C("{{ 年度总体目标 }}", span=3, align="left")],
        [C("绩效指标", through=True), C("一级指标"), C("二级指标"), C("三级指标"), C("指标值", span=2), C("分值")],
        Repeat("指标", [
            C(through=True), C(field="一级指标", grouped=True), C(field="二级指标", grouped=True),
            C(field="三级指标", align="left"), C(field="指标值", span=2), C(field="分值"),
        ]),
    ],
    notes=[
        "注：1．财政拨款含一般公共预算拨款、政府性基金预算拨款和国有资本经营预算拨款；年度资金总额为年初预算数。",
        "    2．绩效指标按产出、效益、满意度指标的顺序列示，指标值按“≥、≤、＝”加数值和计量单位，或完成时限、定性表述填写。",
        "    3．分值为年终自评时各三级指标的权重（另加预算执行率分值，合计100分）；项目未设定分值的，此栏空白。",
    ],
    bottom=[("填报人：", "填报日期：    年  月  日")],
)

# --- 表2 ----------------------------------------------------------------------------------------

# columns of part 2: 一级 二级 三级 年度指标值 应完成值 执行情况 完成率 偏差率 判定 偏差及原因 完成可能性
TRACKING = Layout(
    id="tracking",
    title="项目绩效跟踪情况表",
    annex="表2",
    landscape=True,
    widths=[2.0, 2.7, 3.4, 2.4, 1.9, 2.5, 1.7, 1.7, 1.5, 4.8, 2.1],
    subtitle="（截至{{ 截止日期 }}）",
    top=[("填报单位（章）：{{ 填报单位 }}", "项目编码：{{ 项目编码 }}　　金额单位：万元")],
    row_heights={5: 30, 6: 30, 7: 30, 8: 30},  # XLSX: 资金拨付 / 制度建设 / 违规情况 / 项目进展
    rows=[
        [C("项目名称", span=2), C("{{ 项目名称 }}", span=4, align="left"), C("主管部门", span=2),
         C("{{ 主管部门 }}", span=3, align="left")],
        [C("一、预算执行及项目管理情况分析", span=11, bold=True, align="left")],
        [C("项目启动情况", span=2), C("计划启动日期"), C("{{ 计划启动日期 }}", span=2), C("实际启动日期"),
         C("{{ 实际启动日期 }}", span=5, align="left")],
        [C("预算执行情况", span=2, rows=2), C("年初预算数"), C("全年预算数"), C("执行数"), C("执行率"),
         C("时序进度"), C("执行进度比", span=2), C("预算执行预警", span=2)],
        [C("{{ 年初预算数 }}"), C("{{ 全年预算数 }}"), C("{{ 执行数 }}"), C("{{ 执行率 }}"), C("{{ 时序进度 }}"),
         C("{{ 执行进度比 }}", span=2), C("{{ 预算执行预警 }}", span=2)],
        [C("资金拨付情况", span=2), C("{{ 资金拨付 }}", span=9, align="left")],
        [C("制度建设情况", span=2), C("{{ 制度建设 }}", span=9, align="left")],
        [C("违规情况", span=2), C("{{ 违规情况 }}", span=9, align="left")],
        [C("项目进展情况", span=2), C("{{ 项目进展 }}", span=9, align="left")],
        [C("二、绩效目标跟踪完成情况分析", span=11, bold=True, align="left")],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("应完成值"), C("执行情况"), C("完成率"),
         C("偏差率"), C("判定"), C("偏差及原因说明"), C("完成可能性")],
        Repeat("指标", [
            C(field="一级指标", grouped=True), C(field="二级指标", grouped=True), C(field="三级指标", align="left"),
            C(field="年度指标值"), C(field="应完成值"), C(field="执行情况"), C(field="完成率"), C(field="偏差率"),
            C(field="判定"), C(field="偏差及原因", align="left"), C(field="完成可能性"),
        ]),
    ],
    notes=[
        "注：1．执行率＝执行数÷全年预算数，执行进度比＝执行率÷时序进度；预算执行预警：{{ 预警说明.预算 }}。",
        "    2．应完成值：数量指标为年度指标值×时序进度，其他定量指标为年度指标值；偏差率＝（执行情况－应完成值）÷应完成值。",
        "    3．判定：{{ 预警说明.指标 }}；时限指标按期完成为绿灯，逾期未完成为红灯；定性指标按完成程度判定。",
    ],
    bottom=[("填报人：", "填报日期：    年  月  日")],
)

# --- 表3 ----------------------------------------------------------------------------------------

FEEDBACK = Layout(
    id="feedback",
    title="绩效跟踪综合意见反馈表",
    annex="表3",
    widths=[0.8, 2.6, 3.2, 2.6, 2.4, 5.2],
    subtitle="（{{ 年度 }}年度）",
    row_heights={3: 48, 4: 48, 5: 48, 6: 48, 7: 48},  # XLSX: the opinions and 整改要求
    rows=[
        [C("项目名称", span=2), C("{{ 项目名称 }}", span=4, align="left")],
        [C("主管部门", span=2), C("{{ 主管部门 }}", span=2, align="left"), C("实施单位"),
         C("{{ 实施单位 }}", align="left")],
        [C("审核单位", span=2), C("{{ 审核单位 }}", span=4, align="left")],
        [C("综合意见", rows=4), C("预算执行进度"), C("{{ 预算执行进度 }}", span=4, align="left")],
        [C("项目管理"), C("{{ 项目管理 }}", span=4, align="left")],
        [C("调整预算"), C("{{ 调整预算 }}", span=4, align="left")],
        [C("绩效目标"), C("{{ 绩效目标 }}", span=4, align="left")],
        [C("整改要求", span=2), C("{{ 整改要求 }}", span=4, align="left")],
        [C("整改期限", span=2), C("{{ 整改期限 }}", span=4, align="left")],
    ],
    notes=[
        "注：1．本表由预算主管部门（或县财政局相关股室）根据预算单位报送的表1、表2审核抽查后填制，反馈预算部门（单位）整改。",
        "    2．整改方案和措施通过绩效跟踪情况汇总表（表4）报送县财政局备案。",
    ],
    bottom=[("", "审核单位（章）：{{ 审核单位 }}"), ("", "{{ 审核日期 }}")],
)
