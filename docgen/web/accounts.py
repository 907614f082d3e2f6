"""Passwords (argon2) and logins: 5 failed logins lock an account for a few minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from .store import Account, Store, now

MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 8


def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _verify(hash_: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return bool(_hasher().verify(hash_, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# a hash to verify against when the name is unknown, so that a wrong name costs as long as a wrong password
_DUMMY: list[str] = []


def login(store: Store, name: str, password: str) -> tuple[Account | None, str]:
    """The account when the password is right; otherwise None and the message to show."""
    account = store.account(name)
    if account is None:
        if not _DUMMY:
            _DUMMY.append(hash_password("docgen-dummy-password"))
        _verify(_DUMMY[0], password)
        return None, "用户名或密码不正确。"
    if account.locked_until and account.locked_until > now():
        return None, f"连续 {MAX_FAILURES} 次密码错误，账户已锁定，请于 {account.locked_until[11:16]} 后再试。"
    if not _verify(account.hash, password):
        failures = account.failures + 1
        locked = ""
        if failures >= MAX_FAILURES:
            locked = (datetime.now() + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
            failures = 0
        store.set_failures(name, failures, locked)
        if locked:
            return None, f"连续 {MAX_FAILURES} 次密码错误，账户已锁定 {LOCK_MINUTES} 分钟。"
        return None, "用户名或密码不正确。"
    rehash = None
    if _hasher().check_needs_rehash(account.hash):
        rehash = hash_password(password)
    if account.failures or account.locked_until or rehash:
        store.set_failures(name, 0, "", rehash)
    return account, ""
