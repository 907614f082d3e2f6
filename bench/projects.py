"""Realistic generated projects for benchmarks: 8–20 indicators, one or two 监控 snapshots, some 自评."""

from __future__ import annotations

import random
from typing import Any

DEPARTMENTS = ["勐海县水务局", "勐海县教育体育局", "勐海县卫生健康局", "勐海县农业农村局", "勐海县交通运输局"]
LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}


def _indicator(rng: random.Random, i: int, level1: str, level2: str) -> tuple[dict[str, Any], dict[str, Any]]:
    name = f"{level2[:-2]}第{i + 1}项指标"
    if level2 == "时效指标":
        target, actual, forecast = "2024年11月30日前", "进行中", "2024年11月30日前"
    elif level2 == "成本指标":
        t = rng.randint(20, 80)
        target, actual, forecast = f"≤{t}万元/处", f"{t * rng.uniform(0.8, 1.2):.1f}万元/处", f"{t}万元/处"
    elif level2 in ("质量指标", "服务对象满意度指标"):
        t = rng.choice([85, 90, 95])
        target, actual, forecast = f"≥{t}%", f"{min(100, t + rng.uniform(-8, 5)):.1f}%", f"{t}%"
    elif level2 == "可持续影响指标":
        target, actual, forecast = "长效机制健全", "正在建立", "健全"
    else:
        t = rng.randint(5, 20000)
        target, actual, forecast = f"≥{t}个", f"{int(t * rng.uniform(0.1, 0.9))}个", f"{int(t * rng.uniform(0.85, 1.1))}个"
    entry = {"执行情况": actual, "全年预计": forecast}
    if level2 == "可持续影响指标":
        entry["完成可能性"] = "有可能"
    return {"一级指标": level1, "二级指标": level2, "三级指标": name, "指标值": target}, entry


def project(seed: int, indicators: int | None = None) -> dict[str, Any]:
    """A project with ``indicators`` 三级指标 (default: 8–20, drawn from the seed)."""
    rng = random.Random(seed)
    n = rng.randint(8, 20) if indicators is None else indicators
    plan = [("产出指标", "数量指标"), ("产出指标", "质量指标"), ("产出指标", "时效指标"), ("产出指标", "成本指标"),
            ("效益指标", "社会效益指标"), ("效益指标", "可持续影响指标"), ("满意度指标", "服务对象满意度指标")]
    plan = plan[:n]
    while len(plan) < n:
        level1 = rng.choice(["产出指标", "效益指标"])
        plan.append((level1, rng.choice(["数量指标", "质量指标"] if level1 == "产出指标" else ["经济效益指标", "社会效益指标"])))
    indicators, entries = [], {}
    for i, (l1, l2) in enumerate(plan):
        ind, entry = _indicator(rng, i, l1, l2)
        indicators.append(ind)
        entries[ind["三级指标"]] = entry
    budget = rng.randint(20, 3000)
    general = round(budget * 0.9, 2)
    snapshots = [{
        "截止日期": "2024-06-30",
        "执行数": {"一般公共预算拨款": f"{budget * rng.uniform(0.1, 0.6):.2f}"},
        "全年预计执行数": {"一般公共预算拨款": f"{general:.2f}"},
        "指标": entries,
        "存在问题": ["资金拨付进度偏慢。"],
        "改进措施": ["加快项目实施进度。"],
    }]
    if rng.random() < 0.5:
        snapshots.append({**snapshots[0], "截止日期": "2024-08-31",
                          "执行数": {"一般公共预算拨款": f"{budget * rng.uniform(0.4, 0.8):.2f}"}})
    return {
        "项目名称": f"2024年第{seed}号民生项目 & 配套工程",
        "年度": 2024,
        "主管部门": DEPARTMENTS[seed % len(DEPARTMENTS)],
        "实施单位": f"勐海县第{seed % 37}项目管理站",
        "资金": {"年初预算数": {"一般公共预算拨款": f"{general:.2f}", "其他资金": f"{budget - general:.2f}"}},
        "年度总体目标": "完成年度建设任务，提升公共服务水平。",
        "绩效指标": indicators,
        "监控": snapshots,
    }
