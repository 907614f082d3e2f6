"""Profiles: every threshold, weight, name and band of RULES.md, as data.

A built-in profile is a YAML file under ``docgen/profiles/`` (``基于`` names the profile it
extends). A ``docgen.yaml`` in a project's directory (or a parent) selects one with
``配置方案`` and may override single settings with the same keys; a bad override is an
:class:`ConfigError` located in ``docgen.yaml``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, Diagnostic, Diagnostics, FieldPath, InputError, Level, Location, format_path
from .model import closest
from .profilenames import PROFILE_DIR, builtin_profiles
from .project import _path, translate
from .yamlfile import YamlDocument, read

CONFIG_NAME = "docgen.yaml"
PROFILE_KEYS = ("配置方案", "profile")


Setting = Annotated[Decimal, Field(ge=0, le=1000)]  # percentages and scores; 1e400 is a typo
Month = Annotated[int, Field(ge=1, le=12)]


class _Section(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True)


class BudgetAlert(_Section):
    mode: Literal["执行进度比", "固定执行率"] = Field(alias="方式")
    red_below: Setting = Field(alias="红灯低于")
    yellow_below: Setting = Field(alias="黄灯低于")
    month_floors: dict[Month, Setting] = Field(alias="固定执行率下限")


class IndicatorAlert(_Section):
    red_below: Setting = Field(alias="红灯低于")
    yellow_below: Setting = Field(alias="黄灯低于")
    blue_from: Setting = Field(alias="蓝灯不低于")


class PossibilityBands(_Section):
    certain_from: Setting = Field(alias="确定能不低于")
    possible_from: Setting = Field(alias="有可能不低于")


class Grade(_Section):
    name: str = Field(alias="名称")
    lower: Setting = Field(alias="下限")
    use: str = Field(alias="结果应用")


class SelfEvalSettings(_Section):
    weights: dict[str, Setting] = Field(alias="权重")
    qualitative_rates: dict[str, Setting] = Field(alias="定性得分率")
    qualitative_bands: dict[str, tuple[Decimal, Decimal]] = Field(alias="定性得分区间")
    reverse_scoring: Literal["比值", "线性"] = Field(alias="反向指标计分")
    overachieve_note_from: Setting = Field(alias="超额说明阈值")
    grades: tuple[Grade, ...] = Field(alias="等级", min_length=1)

    @field_validator("weights")
    @classmethod
    def _weights_known(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        needed = ("预算执行率", "产出指标", "效益指标", "满意度指标")
        missing = [k for k in needed if k not in value]
        if missing:
            raise ValueError(f"权重缺少 {'、'.join(missing)}")
        return value

    @field_validator("grades")
    @classmethod
    def _grades_descending(cls, value: tuple[Grade, ...]) -> tuple[Grade, ...]:
        lowers = [g.lower for g in value]
        if lowers != sorted(lowers, reverse=True) or len(set(lowers)) != len(lowers):
            raise ValueError("等级的下限应从高到低排列且互不相同")
        if lowers[-1] != 0:
            raise ValueError("最低一档等级的下限应为 0")
        return value


class PreAssessmentSettings(_Section):
    weights: dict[str, Setting] = Field(alias="维度分值")
    support_from: Setting = Field(alias="予以支持不低于")
    partial_from: Setting = Field(alias="部分支持不低于")
    cap_on_weak_dimension: bool = Field(alias="单项低于半数封顶")


class TargetReviewSettings(_Section):
    quantified_share_min: Setting = Field(alias="量化指标占比不低于")
    level1_min: int = Field(alias="一级指标不少于")
    level2_min: int = Field(alias="二级指标不少于")
    level3_min: int = Field(alias="三级指标不少于")
    placeholders: tuple[str, ...] = Field(alias="占位文字")


class ScopeSettings(_Section):
    amount_from: Setting = Field(alias="金额下限")


class AdjustmentSettings(_Section):
    surplus_share_from: Setting = Field(alias="预计结余比例不低于")


class TargetFormSettings(_Section):
    title: str = Field("项目支出绩效目标申报表", alias="标题")


class SummarySettings(_Section):
    unit_name: str = Field("", alias="填报单位")


Threshold = Annotated[Decimal, Field(ge=0, le=Decimal("1e10"))]


class PlausibilitySettings(_Section):
    """When an amount or a percentage looks typed in the wrong unit (warnings, not errors)."""

    amount_cap: Threshold = Field(Decimal(100000), alias="金额上限")  # 万元
    amount_factor: Threshold = Field(Decimal(10), alias="金额倍数")
    whole_amount_from: Threshold = Field(Decimal(10000), alias="整数金额不低于")
    others_below: Threshold = Field(Decimal(1000), alias="其他金额低于")
    decimal_percent: bool = Field(True, alias="小数百分比")


class Profile(_Section):
    """Every setting a rule reads. Percentages are percent values (60 means 60%)."""

    id: str = Field("national", alias="配置方案")
    name: str = Field(alias="名称")
    region: str = Field("", alias="地区")
    budget_alert: BudgetAlert = Field(alias="预算执行预警")
    indicator_alert: IndicatorAlert = Field(alias="指标预警")
    possibility: PossibilityBands = Field(alias="完成可能性")
    self_eval: SelfEvalSettings = Field(alias="自评")
    pre_assessment: PreAssessmentSettings = Field(alias="事前评估")
    target_review: TargetReviewSettings = Field(alias="目标审核")
    scope: ScopeSettings = Field(alias="跟踪范围")
    adjustment: AdjustmentSettings = Field(alias="调整预算")
    summary: SummarySettings = Field(alias="汇总表")
    plausibility: PlausibilitySettings = Field(default_factory=PlausibilitySettings, alias="合理性检查")
    # not a docgen.yaml setting: ``docgen build --as-of`` carries its date with the profile, so that the build
    # computes with it and the manifest's profile hash rebuilds what a new date changes
    as_of: date | None = None
    target_form: TargetFormSettings = Field(default_factory=TargetFormSettings, alias="表1")

    def grade_for(self, total: Decimal) -> Grade:
        for grade in self.self_eval.grades:
            if total >= grade.lower:
                return grade
        return self.self_eval.grades[-1]


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in ("固定执行率下限",):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _plain(node: Any) -> Any:
    from .project import _plain_scalar

    if isinstance(node, dict):
        return {str(k) if not isinstance(k, int) else int(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return _plain_scalar(node)


@cache
def _builtin_data(name: str) -> dict[str, Any]:
    doc = read(PROFILE_DIR / f"{name}.yaml")
    data = _plain(doc.data)
    base = data.pop("基于", None)
    if base:
        data = _merge(_builtin_data(str(base)), data)
    return data


def _unknown_keys(data: Any, reference: Any, path: FieldPath, diags: Diagnostics) -> None:
    if not isinstance(data, dict) or not isinstance(reference, dict):
        return
    for key, value in data.items():
        if path == () and key in PROFILE_KEYS:
            continue
        if key not in reference:
            if path and path[-1] in ("固定执行率下限", "权重", "维度分值", "定性得分率", "定性得分区间"):
                continue
            hint = closest(str(key), [str(k) for k in reference])
            tip = f"，是否应为“{hint}”？" if hint else ""
            diags.error((*path, str(key)), f"未知的设置项“{key}”{tip}")
        elif isinstance(value, dict):
            _unknown_keys(value, reference[key], (*path, str(key)), diags)


def _errors(doc: YamlDocument | None, diags: Diagnostics, fallback: str) -> ConfigError:
    items: list[Diagnostic] = []
    for d in diags.items:
        if doc is not None:
            items.append(doc.locate(d))
        else:
            items.append(d.located(Location(fallback, 0, format_path(d.path))))
    return ConfigError("", items)


def build_profile(name: str, overrides: dict[str, Any] | None = None, doc: YamlDocument | None = None) -> Profile:
    """The named built-in profile with ``overrides`` (the rest of a docgen.yaml) applied."""
    diags = Diagnostics()
    if name not in builtin_profiles():
        hint = closest(name, builtin_profiles())
        tip = f"，是否应为“{hint}”？" if hint else ""
        diags.error(("配置方案",), f"没有名为“{name}”的配置方案（可选：{' / '.join(builtin_profiles())}）{tip}")
        raise _errors(doc, diags, f"{name}.yaml")
    base = _builtin_data(name)
    over = overrides or {}
    _unknown_keys(over, base, (), diags)
    if diags.errors:
        raise _errors(doc, diags, CONFIG_NAME)
    merged = _merge(base, {k: v for k, v in over.items() if k not in PROFILE_KEYS})
    merged["配置方案"] = name
    try:
        return Profile.model_validate(merged)
    except ValidationError as exc:
        for e in exc.errors():
            diags.error(_path(e["loc"]), f"设置值不正确：{translate(dict(e))}")
        raise _errors(doc, diags, CONFIG_NAME) from None


def load_config(path: Path) -> Profile:
    """Read one docgen.yaml."""
    try:
        doc = read(path)
    except ConfigError:
        raise
    except InputError as exc:
        if any("文件为空" in d.message for d in exc.diagnostics):
            return build_profile("national")  # an empty docgen.yaml means the defaults
        raise ConfigError("", exc.diagnostics) from None
    data = _plain(doc.data) if doc.data is not None else {}
    if not isinstance(data, dict):
        d = Diagnostic(Level.ERROR, "docgen.yaml 顶层应为键值映射（如“配置方案: fufeng”）", ())
        raise ConfigError("", [doc.locate(d)])
    name = str(data.get("配置方案", data.get("profile", "national")))
    return build_profile(name, data, doc)


def find_config(start: Path) -> Path | None:
    """The nearest docgen.yaml in ``start`` or one of its parents."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        path = candidate / CONFIG_NAME
        if path.is_file():
            return path
    return None


_config_cache: dict[Path, Profile] = {}


def profile_for(project_file: Path, override: str | None = None) -> Profile:
    """The profile that applies to a project file: ``--profile``, else its docgen.yaml, else national."""
    if override:
        return build_profile(override)
    config = find_config(project_file)
    if config is None:
        return build_profile("national")
    if config not in _config_cache:
        _config_cache[config] = load_config(config)
    return _config_cache[config]


def default_profile() -> Profile:
    return build_profile("national")
