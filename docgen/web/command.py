"""``docgen serve`` and ``docgen user add|list|remove`` (registered in :mod:`docgen.cli`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
COMMAND = {"context_settings": CONTEXT, "options_metavar": "[选项]"}
NEEDED = ("starlette", "uvicorn", "argon2", "itsdangerous", "multipart", "jinja2")
INSTALL_HINT = '工作台需要 web 组件，请先安装：pip install "docgen[web]"（或 source scripts/setup.sh web）'


def require_web() -> None:
    missing = [m for m in NEEDED if importlib.util.find_spec(m) is None]
    if missing:
        click.echo(f"{INSTALL_HINT}；缺少：{'、'.join(missing)}", err=True)
        sys.exit(1)


def _folder(path: Path) -> Path:
    if not path.is_dir():
        raise click.BadParameter(f"{path} 不是目录", param_hint="目录")
    return path


@click.command("serve", **COMMAND)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="目录")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；让局域网内各单位访问时用 0.0.0.0。")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="端口。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def serve(folder: Path, host: str, port: int) -> None:
    """启动绩效工作台（网页）：各单位在浏览器中提交项目数据，财政局审核、修改意见并出具表3。

    目录即 build、review 使用的项目目录；工作台的账户、状态、操作记录和历史版本保存在 目录/.docgen/ 中。
    先用 docgen user add 目录 名称 --role 管理员 建立第一个管理员。
    """
    require_web()
    import uvicorn

    from .app import create_app
    from .store import Store

    if not Store(folder).accounts():
        click.echo(f"提示：还没有账户，请先运行 docgen user add {folder} 管理员名称 --role 管理员", err=True)
    shown = "本机所有地址" if host in ("0.0.0.0", "::") else host
    click.echo(f"绩效工作台：http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
               f"（监听 {shown}；按 Ctrl+C 停止）")
    uvicorn.run(create_app(folder), host=host, port=port, log_level="warning", server_header=False)


@click.group("user", **COMMAND, subcommand_metavar="命令 [参数]…")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def user() -> None:
    """工作台账户：管理员管理账户，审核人审核全部项目，单位只看本单位的项目。"""


@user.command("add", **COMMAND)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="目录")
@click.argument("name", metavar="名称")
@click.option("--role", type=click.Choice(["管理员", "审核人", "单位"]), required=True, help="角色。")
@click.option("--unit", default="", metavar="单位名称",
              help="单位账户所属的主管部门或实施单位（与项目文件中的名称一致）。")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="文件", help="从文件第一行读取密码（不给时在终端输入）。")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def user_add(folder: Path, name: str, role: str, unit: str, password_file: Path | None) -> None:
    """新建账户（同名账户已存在时改为新的角色和密码）。"""
    require_web()
    from .accounts import MIN_PASSWORD, hash_password
    from .store import UNIT, Store

    name = name.strip()
    if not name or len(name) > 64 or any(c in name for c in "<>&\"'/\\") or not name.isprintable():
        raise click.BadParameter("名称不能为空，不能含 < > & \" ' / \\ 等字符，最长 64 个字", param_hint="名称")
    unit = unit.strip()
    if role == UNIT and not unit:
        raise click.UsageError("单位账户需要 --unit（主管部门或实施单位名称）")
    if role != UNIT and unit:
        raise click.UsageError("--unit 只用于单位账户")
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"{password_file}: 无法读取密码：{exc}", err=True)
            sys.exit(1)
        password = lines[0] if lines else ""
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次")
    if len(password) < MIN_PASSWORD:
        click.echo(f"密码至少 {MIN_PASSWORD} 个字符。", err=True)
        sys.exit(1)
    store = Store(folder)
    existed = store.account(name) is not None
    store.put_account(name, role, unit, hash_password(password))
    store.audit("（命令行）", "修改账户" if existed else "新建账户", name, f"{role} {unit}".strip())
    click.echo(f"已{'更新' if existed else '新建'}账户 {name}（{role}{'，' + unit if unit else ''}）")


@user.command("list", **COMMAND)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="目录")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def user_list(folder: Path) -> None:
    """列出账户。"""
    from .store import Store

    accounts = Store(folder).accounts()
    if not accounts:
        click.echo("还没有账户。")
    for a in accounts:
        locked = "（已锁定）" if a.locked_until else ""
        click.echo(f"{a.name}\t{a.role}\t{a.unit or '—'}{locked}")


@user.command("remove", **COMMAND)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="目录")
@click.argument("name", metavar="名称")
@click.help_option("-h", "--help", help="显示本帮助并退出。")
def user_remove(folder: Path, name: str) -> None:
    """删除账户。"""
    from .store import Store

    store = Store(folder)
    if not store.remove_account(name):
        click.echo(f"没有账户 {name}。", err=True)
        sys.exit(1)
    store.audit("（命令行）", "删除账户", name)
    click.echo(f"已删除账户 {name}")
