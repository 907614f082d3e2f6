"""附件1 项目支出绩效监控情况表 (001), as the seed lays it out."""

from __future__ import annotations

from layout import Cell as C
from layout import Layout, Repeat

P = "{{ 期间 }}"  # the period label, e.g. 1-6月


def _levels(name: str) -> list[C]:
    return [C(field="一级指标", grouped=True), C(field="二级指标", grouped=True), C(field="三级指标")]


MONITOR = Layout(
    id="monitor",
    title="项目支出绩效监控情况表",
    annex="附件1",
    landscape=True,
    widths=[0.8, 0.8, 2.0, 2.6, 1.9, 1.9, 1.9, 1.1, 1.1, 1.1, 1.1, 1.1, 2.2, 1.4, 1.4, 1.4, 2.4],
    top=[("填报单位（章）：{{ 填报单位 }}", "（{{ 年度 }}年度）")],
    rows=[
        [C("项目名称", span=3), C("{{ 项目名称 }}", span=14, align="left")],
        [C("主管部门", span=3), C("{{ 主管部门 }}", span=6, align="left"), C("实施单位", span=3),
         C("{{ 实施单位 }}", span=5, align="left")],
        [C("项目资金\n（万元）", span=3, rows=4), C("", span=4), C("年初预算数", span=2), C(f"{P}执行数", span=3),
         C(f"{P}执行率", span=3), C("全年预计执行数", span=2)],
        [C("年度资金总额：", span=4, align="left"), C("{{ 资金.合计.年初预算数 }}", span=2),
         C("{{ 资金.合计.执行数 }}", span=3), C("{{ 资金.合计.执行率 }}", span=3),
         C("{{ 资金.合计.全年预计执行数 }}", span=2)],
        [C("其中：本年一般公共预算拨款", span=4, align="left"), C("{{ 资金.一般公共预算拨款.年初预算数 }}", span=2),
         C("{{ 资金.一般公共预算拨款.执行数 }}", span=3), C("{{ 资金.一般公共预算拨款.执行率 }}", span=3),
         C("{{ 资金.一般公共预算拨款.全年预计执行数 }}", span=2)],
        [C("其他资金", span=4, align="left"), C("{{ 资金.其他资金.年初预算数 }}", span=2),
         C("{{ 资金.其他资金.执行数 }}", span=3), C("{{ 资金.其他资金.执行率 }}", span=3),
         C("{{ 资金.其他资金.全年预计执行数 }}", span=2)],
        [C("年度总体目标", span=3), C("{{ 年度总体目标 }}", span=14, align="left")],
        [C("绩效指标", rows=2, through=True), C("一级指标", rows=2), C("二级指标", rows=2), C("三级指标", rows=2),
         C("年度指标值", rows=2), C(f"{P}执行情况", rows=2), C("全年预计完成情况", rows=2), C("偏差原因分析", span=6),
         C("完成目标可能性", span=3), C("备注", rows=2)],
        [C("经费保障"), C("制度保障"), C("人员保障"), C("硬件条件保障"), C("其他"), C("改进措施"),
         C("确定能"), C("有可能"), C("完全不可能")],
        Repeat("指标", [
            C(through=True), *_levels("指标"), C(field="年度指标值"), C(field="执行情况"), C(field="全年预计"),
            C(field="经费保障"), C(field="制度保障"), C(field="人员保障"), C(field="硬件条件保障"), C(field="其他"),
            C(field="改进措施", align="left"), C(field="确定能"), C(field="有可能"), C(field="完全不可能"),
            C(field="备注", align="left"),
        ]),
    ],
    notes=[
        "注：1．偏差原因分析：针对与预期目标产生偏差的指标值，可以从经费保障、制度保障、人员保障、硬件条件保障等方面进行判断和分析，"
        "并说明原因。",
        "    2．完成目标可能性：对应所设定的实现绩效目标的路径，分确定能、有可能、完全不可能三级综合判断完成的可能性。",
        "    3．备注：说明预计到年底不能完成目标的原因及拟采取的措施。",
    ],
)

