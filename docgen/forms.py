"""The form registry: every form's id, title, scope, data it needs and templates, in one place."""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    scope: str
    sources: str
    needs: str | None = None  # the project section without which the form is skipped
    tabular: bool = True
    aggregate: bool = False  # built from a set of projects, not one

    @property
    def builder(self) -> str | None:
        """``module:build`` in docgen.formdata (module named after the id), when that module exists."""
        module = self.id.replace("-", "_")
        if importlib.util.find_spec(f"docgen.formdata.{module}") is None:
            return None
        return f"{module}:build"

    @property
    def short_title(self) -> str:
        """The title without the bracketed annex: used in output file names."""
        return self.title.split("（")[0]

    @property
    def build(self) -> Callable[..., dict[str, Any]]:
        if self.builder is None:
            raise LookupError(self.id)
        module, name = self.builder.split(":")
        return getattr(importlib.import_module(f"docgen.formdata.{module}"), name)  # type: ignore[no-any-return]

    @property
    def renderable(self) -> bool:
        return self.builder is not None

    def docx_template(self) -> str:
        return f"{self.id}.docx"

    def xlsx_template(self) -> str:
        return f"{self.id}.xlsx"


FORMS: tuple[Form, ...] = (
    Form("target", "项目绩效目标表（表1，项目支出绩效目标申报表）", "项目", "000, 002, 003"),
    Form("tracking", "项目绩效跟踪情况表（表2）", "项目，截至某日", "000", needs="监控"),
    Form("feedback", "绩效跟踪综合意见反馈表（表3）", "项目（审核意见）", "000", needs="反馈"),
    Form("summary", "绩效跟踪情况汇总表（表4）", "主管部门及全部项目", "000", aggregate=True),
    Form("monitor", "项目支出绩效监控情况表（附件1）", "项目，截至某日", "001", needs="监控"),
    Form("correction", "绩效运行监控目标纠偏表（附件2）", "项目，某季度", "001", needs="监控"),
    Form("adjustment", "绩效运行监控目标调整表（附件3）", "项目，有调整时", "001", needs="调整"),
    Form("monitor-report", "项目支出绩效监控报告（附件4）", "项目，截至某日", "001", needs="监控", tabular=False),
    # rendered without 监控 too: its sections then say in words that there is no monitoring data yet
    Form("tracking-report", "绩效跟踪结果报告", "项目", "002", tabular=False),
    Form("self-eval", "项目支出绩效自评表", "项目，年末", "002, 003", needs="自评"),
    Form("self-eval-report", "项目支出绩效自评报告", "项目，年末", "003", needs="自评", tabular=False),
    Form("pre-assessment", "事前绩效评估评分表及结论", "项目，预算编制前", "003", needs="事前评估"),
    Form("target-review", "绩效目标审核意见", "项目", "003, 004"),
    Form("coverage", "绩效监控覆盖情况", "全部项目", "004", aggregate=True),
)


def find_form(key: str) -> Form | None:
    """A form by id or by its Chinese title (the short title before the bracket also works)."""
    key = key.strip()
    for form in FORMS:
        annex = re.search(r"（(表\d|附件\d)", form.title)
        names = {form.id, form.title, form.short_title, *ALIASES.get(form.id, ())}
        if key in names or (annex is not None and key == annex.group(1)):
            return form
    return None


# titles printed on the forms that differ from the registry's (表1 is printed as the national 申报表)
ALIASES: dict[str, tuple[str, ...]] = {
    "target": ("项目支出绩效目标申报表",),
    "self-eval": ("自评表",),
    "pre-assessment": ("事前绩效评估评分表",),
    "target-review": ("绩效目标审核意见表",),
    "coverage": ("绩效监控覆盖情况表",),
}
